using System.Globalization;
using Grpc.Core;

namespace WeGoAssembly.Server.Web;

/// <summary>
/// English and Korean for the screens. Each screen writes both texts side by side, T("Vote", "투표"), so a page
/// reads as it renders and no key can go missing. The language is the request culture, kept in a cookie and
/// carried by the interactive circuit; the server's own error messages stay English and get a Korean lead-in.
/// </summary>
public static class Lang
{
    public static readonly string[] Supported = ["en", "ko"];

    public static bool Korean => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ko";

    public static string Code => Korean ? "ko" : "en";

    public static string T(string english, string korean) => Korean ? korean : english;

    /// <summary>
    /// What a failed call means for the person in front of the screen, then the server's precise reason; for an ended
    /// sign-in only the first, since the reason speaks of bearer tokens, which a person on a page never handles.
    /// </summary>
    public static string Explain(RpcException e) => e.StatusCode == StatusCode.Unauthenticated
        ? T("Your sign-in has ended or is not valid; sign in again.", "로그인이 만료되었거나 유효하지 않습니다. 다시 로그인하세요.")
        : e.StatusCode switch
    {
        StatusCode.PermissionDenied => T("Not allowed: ", "허용되지 않음: "),
        StatusCode.InvalidArgument => T("Please correct: ", "다음을 고쳐 주세요: "),
        StatusCode.NotFound => T("Not found: ", "찾을 수 없음: "),
        StatusCode.AlreadyExists => T("Already done: ", "이미 처리됨: "),
        StatusCode.FailedPrecondition => T("Not possible now: ", "지금은 할 수 없음: "),
        StatusCode.ResourceExhausted => T("Too many attempts: ", "시도가 너무 많습니다: "),
        StatusCode.Unavailable => T("The system is briefly unavailable; nothing was changed. Try again in a moment. ", "시스템을 잠시 사용할 수 없습니다. 변경된 것은 없습니다. 잠시 후 다시 시도하세요. "),
        _ => T("Something went wrong: ", "문제가 발생했습니다: "),
    } + e.Status.Detail;
}
