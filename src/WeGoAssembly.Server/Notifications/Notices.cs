using WeGoAssembly.Grains.Rules;
using System.Globalization;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Server.Notifications;

/// <summary>What a message is written with: the recipient, their assembly, the site's address, and their language.</summary>
public sealed record MailContext(Participant To, Assembly Assembly, string City, string SiteUrl)
{
    public bool Korean => To.Language == "ko";

    public string T(string english, string korean) => Korean ? korean : english;

    /// <summary>A time in the assembly's time zone, with the zone named.</summary>
    public string Time(DateTimeOffset at)
    {
        var zone = AssemblyCalendar.Zone(Assembly.TimeZone);
        return $"{TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({zone.Id})";
    }

    public string Link(string path) => SiteUrl + path;

    /// <summary>The greeting, the text, and the signature every message shares.</summary>
    public string Letter(string text) => T(
        $"Dear {To.DisplayName},\n\n{text}\n\nWeGO Secretariat\n{Assembly.Title}\n",
        $"{To.DisplayName} 님께\n\n{text}\n\nWeGO 사무국\n{Assembly.Title}\n");
}

/// <summary>
/// One kind of e-mail: what it is called in the delivery log (<see cref="Kind"/>), the event it reports
/// (<see cref="DedupeKey"/>: a message per event, never two), and its text in English and Korean.
/// </summary>
public abstract record Notice
{
    /// <summary>Where the access code goes in a body; the code itself is put in only when the message is sent.</summary>
    public const string AccessCodePlaceholder = "{access-code}";

    public abstract string Kind { get; }

    public abstract string DedupeKey(Participant to);

    public abstract (string Subject, string Body) Write(MailContext m);
}

/// <summary>At registration: the personal access code and where to sign in with it.</summary>
public sealed record AccessCodeNotice : Notice
{
    public const string KindName = "access-code";

    public override string Kind => KindName;

    public override string DedupeKey(Participant to) => $"access-code:{to.Id}";

    public override (string, string) Write(MailContext m) => (
        m.T($"Your access code for {m.Assembly.Title}", $"{m.Assembly.Title} 접속 코드"),
        m.Letter(m.T(
            $"You are registered for {m.Assembly.Title} in the delegation of {m.City}.\n\n" +
            $"Your personal access code: {AccessCodePlaceholder}\n\n" +
            $"Sign in with it at {m.Link("/signin")} to see your delegation, your badge, the ballots and your travel. " +
            "Keep it to yourself: it stands for you, also when votes are cast.",
            $"{m.City} 대표단의 일원으로 {m.Assembly.Title}에 등록되었습니다.\n\n" +
            $"개인 접속 코드: {AccessCodePlaceholder}\n\n" +
            $"{m.Link("/signin")} 에서 이 코드로 로그인하면 대표단, 출입증, 투표, 여행 정보를 볼 수 있습니다. " +
            "이 코드는 투표할 때도 본인을 대신하므로 다른 사람과 공유하지 마세요.")));
}

/// <summary>The secretariat invites a member city's focal point: a sign-in link that carries their code.</summary>
public sealed record FocalPointInviteNotice(DateTimeOffset InvitedAt) : Notice
{
    public const string KindName = "focal-point-invitation";

    public override string Kind => KindName;

    // Each invitation is news: inviting again replaces the code.
    public override string DedupeKey(Participant to) => $"focal-point:{to.Id}:{InvitedAt.ToUnixTimeMilliseconds()}";

    public override (string, string) Write(MailContext m) => (
        m.T($"Register the delegation of {m.City} for {m.Assembly.Title}", $"{m.Assembly.Title} {m.City} 대표단 등록 안내"),
        m.Letter(m.T(
            $"The WeGO Secretariat invites you, as focal point of {m.City}, to register your city's delegation for {m.Assembly.Title}.\n\n" +
            $"Sign in with this link: {m.Link("/signin?code=" + AccessCodePlaceholder)}\n" +
            $"(or at {m.Link("/signin")} with the code {AccessCodePlaceholder})\n\n" +
            "Register each member of the delegation (names, role, passport data for those who need a visa letter, a photo for the badge), " +
            "upload the credentials letter signed by your city, and submit the delegation for review before registration closes. " +
            "Keep the link to yourself: it signs you in for your city.",
            $"WeGO 사무국은 {m.City}의 담당자인 귀하께 {m.Assembly.Title} 대표단 등록을 요청드립니다.\n\n" +
            $"다음 링크로 로그인하세요: {m.Link("/signin?code=" + AccessCodePlaceholder)}\n" +
            $"(또는 {m.Link("/signin")} 에서 코드 {AccessCodePlaceholder} 입력)\n\n" +
            "대표단 구성원(성명, 역할, 비자 초청장이 필요한 분의 여권 정보, 명찰 사진)을 등록하고, 시에서 서명한 신임장을 올린 뒤 " +
            "등록 마감 전에 대표단을 제출해 주세요. 이 링크는 귀하의 도시를 대신하므로 다른 사람과 공유하지 마세요.")));
}

/// <summary>The secretariat's decision on an accreditation, with the reason when it is a refusal.</summary>
public sealed record AccreditationNotice(AccreditationStatus Status, string Reason, DateTimeOffset DecidedAt) : Notice
{
    public override string Kind => Status == AccreditationStatus.Rejected ? "accreditation-rejected" : "accreditation-approved";

    // Each decision is news, also a second approval after a refusal.
    public override string DedupeKey(Participant to) => $"accreditation:{to.Id}:{Kind}:{DecidedAt.ToUnixTimeMilliseconds()}";

    public override (string, string) Write(MailContext m) => Status == AccreditationStatus.Rejected
        ? (m.T($"Your accreditation for {m.Assembly.Title} was not approved", $"{m.Assembly.Title} 참가 등록이 승인되지 않았습니다"),
           m.Letter(m.T(
               $"The secretariat could not approve your accreditation.\n\nReason: {Reason}\n\n" +
               "Your delegation's focal point can correct the registration, or write to the secretariat.",
               $"사무국이 귀하의 참가 등록을 승인하지 못했습니다.\n\n사유: {Reason}\n\n" +
               "대표단 담당자가 등록 내용을 고치거나 사무국에 문의할 수 있습니다.")))
        : (m.T($"Your accreditation for {m.Assembly.Title} is approved", $"{m.Assembly.Title} 참가 등록이 승인되었습니다"),
           m.Letter(m.T(
               $"The secretariat approved your accreditation. Your badge follows; you can also see it at {m.Link("/badge")}.",
               $"사무국이 귀하의 참가 등록을 승인했습니다. 출입증은 곧 발급되며 {m.Link("/badge")} 에서도 볼 수 있습니다.")));
}

/// <summary>A badge was issued for the first time.</summary>
public sealed record BadgeReadyNotice(string BadgeNumber) : Notice
{
    public override string Kind => "badge-ready";

    public override string DedupeKey(Participant to) => $"badge:{to.Id}:{BadgeNumber}";

    public override (string, string) Write(MailContext m) => (
        m.T($"Your badge for {m.Assembly.Title} is ready", $"{m.Assembly.Title} 출입증이 준비되었습니다"),
        m.Letter(m.T(
            $"Your badge number {BadgeNumber} is ready. Collect it at the accreditation desk, or show its QR code from " +
            $"{m.Link("/badge")} at the door of the hall.",
            $"출입증 번호 {BadgeNumber}이(가) 준비되었습니다. 등록 데스크에서 받거나, {m.Link("/badge")} 의 QR 코드를 " +
            "회의장 입구에서 보여 주세요.")));
}

/// <summary>A seat on a site visit, a place on its waitlist, or a seat reached from the waitlist.</summary>
public sealed record SiteVisitNotice(SiteVisit Visit, Placement Placement, bool Promoted) : Notice
{
    public override string Kind => Placement.Status == PlacementStatus.Waitlisted ? "site-visit-waitlisted"
        : Promoted ? "site-visit-promoted" : "site-visit-assigned";

    // One message per visit and status: a waitlist position that moves is not news, a seat is.
    public override string DedupeKey(Participant to) => $"site-visit:{to.Id}:{Visit.Id}:{Placement.Status}";

    public override (string, string) Write(MailContext m)
    {
        var title = m.T(Visit.TitleEn, Visit.TitleKo.Length > 0 ? Visit.TitleKo : Visit.TitleEn);
        var when = m.Time(Visit.StartsAt);
        var where = Visit.MeetingPoint.Length > 0 ? Visit.MeetingPoint : Visit.Place;
        var vehicle = Placement.VehicleId is { Length: > 0 } v ? m.T($", vehicle {v}", $", 차량 {v}") : "";
        return Kind switch
        {
            "site-visit-waitlisted" => (
                m.T($"Site visit: you are on the waitlist of {title}", $"현장 방문: {title} 대기자 명단에 올랐습니다"),
                m.Letter(m.T(
                    $"{title} ({when}) is full. You are number {Placement.WaitlistPosition} on its waitlist; " +
                    "we write again if a seat frees up for you. Your choices and places: " + m.Link("/travel"),
                    $"{title} ({when})은(는) 정원이 찼습니다. 귀하는 대기자 명단 {Placement.WaitlistPosition}번입니다. " +
                    "자리가 나면 다시 알려 드립니다. 선택과 배정 현황: " + m.Link("/travel")))),
            _ => (
                Promoted
                    ? m.T($"Site visit: a seat on {title} is now yours", $"현장 방문: {title} 좌석이 배정되었습니다 (대기 후 배정)")
                    : m.T($"Site visit: you have a seat on {title}", $"현장 방문: {title} 좌석이 배정되었습니다"),
                m.Letter(m.T(
                    (Promoted ? "A seat freed up and is now yours. " : "") +
                    $"{title}: {when}, meet at {where}{vehicle}. Details: {m.Link("/travel")}",
                    (Promoted ? "자리가 나서 귀하에게 배정되었습니다. " : "") +
                    $"{title}: {when}, 집결 장소 {where}{vehicle}. 자세히 보기: {m.Link("/travel")}"))),
        };
    }
}

/// <summary>The participant's flights as received, to check.</summary>
public sealed record ItineraryNotice(Itinerary Itinerary) : Notice
{
    public override string Kind => "itinerary-received";

    public override string DedupeKey(Participant to) => $"itinerary:{to.Id}:{Itinerary.UpdatedAt.ToUnixTimeMilliseconds()}";

    public override (string, string) Write(MailContext m)
    {
        string Leg(FlightLeg? leg, string en, string ko) => leg is null
            ? m.T($"{en}: not given", $"{ko}: 없음")
            : m.T($"{en}: {leg.FlightNumber}, {leg.AirportCode}, {m.Time(leg.ScheduledAt)}", $"{ko}: {leg.FlightNumber}, {leg.AirportCode}, {m.Time(leg.ScheduledAt)}");
        var pickup = Itinerary.NeedsAirportPickup ? m.T("Airport pick-up: yes", "공항 픽업: 필요") : m.T("Airport pick-up: no", "공항 픽업: 필요 없음");
        return (
            m.T($"We received your travel details for {m.Assembly.Title}", $"{m.Assembly.Title} 여행 정보를 받았습니다"),
            m.Letter(m.T("Please check what we received:", "받은 내용을 확인해 주세요:") + "\n\n" +
                Leg(Itinerary.Arrival, "Arrival", "도착") + "\n" + Leg(Itinerary.Departure, "Departure", "출발") + "\n" + pickup + "\n\n" +
                m.T($"To correct it: {m.Link("/travel")}", $"고치려면: {m.Link("/travel")}")));
    }
}

/// <summary>A ballot closes soon and the vote of a member this person casts is missing (only that it is missing, never anything of a vote).</summary>
public sealed record BallotReminderNotice(Ballot Ballot, string MemberCityId, string MemberNameEn, string MemberNameLocal) : Notice
{
    public override string Kind => "ballot-reminder";

    public override string DedupeKey(Participant to) => $"ballot-reminder:{Ballot.Id}:{MemberCityId}:{to.Id}";

    public override (string, string) Write(MailContext m)
    {
        var question = m.T(Ballot.QuestionEn, Ballot.QuestionKo.Length > 0 ? Ballot.QuestionKo : Ballot.QuestionEn);
        var member = m.T(MemberNameEn, MemberNameLocal.Length > 0 ? MemberNameLocal : MemberNameEn);
        var closes = Ballot.Deadline is { } deadline ? m.Time(deadline) : "";
        var proxy = MemberCityId != m.To.MemberCityId;
        return (
            m.T($"Reminder: the vote of {member} is not cast yet", $"알림: {member}의 투표가 아직 이루어지지 않았습니다"),
            m.Letter(m.T(
                $"The ballot \"{question}\" closes at {closes}, and the vote of {member}{(proxy ? ", which your delegation holds by proxy," : "")} " +
                $"has not been cast yet. Vote at {m.Link("/vote")} (from the hall, as the rules of the assembly require).",
                $"\"{question}\" 투표가 {closes}에 마감되는데, {member}{(proxy ? "(귀 대표단이 위임받은 표)" : "")}의 투표가 아직 이루어지지 않았습니다. " +
                $"{m.Link("/vote")} 에서 투표해 주세요 (총회 규칙에 따라 회의장에서).")));
    }
}
