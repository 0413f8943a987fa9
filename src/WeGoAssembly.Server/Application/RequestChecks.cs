using System.Globalization;
using System.Buffers.Text;
using System.Text;
using WeGoAssembly.Contracts;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Server.Application;

/// <summary>Checks on request fields made at the edge, before any grain is activated for them.</summary>
public static class RequestChecks
{
    /// <summary>An id used as a grain key: refused before it can activate a grain for junk.</summary>
    public static string Id(string field, string value)
    {
        var errors = new List<FieldError>();
        var id = TextRules.Slug(field, value, errors);
        DomainErrors.ThrowIfAny(errors);
        return id;
    }

    /// <summary>Page size: 0 means the default; outside 1..max is refused.</summary>
    public static int PageSize(int requested, int defaultSize = 50, int max = 500) => requested switch
    {
        0 => defaultSize,
        >= 1 when requested <= max => requested,
        _ => throw DomainException.Invalid("page_size", $"page_size {requested} must be from 1 to {max} (0 means {defaultSize})."),
    };

    /// <summary>Page tokens are the last id of the previous page, base64url-encoded: opaque to clients, cheap to check.</summary>
    public static string PageToken(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastId));

    public static string? AfterKey(string pageToken)
    {
        if (pageToken.Length == 0)
            return null;
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken));
            return Id("page_token", key);
        }
        catch (FormatException) { }
        catch (DomainException) { }
        throw DomainException.Invalid("page_token", "page_token is not a token this server returned; start again with an empty page_token.");
    }

    /// <summary>The number a page token of a numbered list carries (the last number of the previous page); null for the first page.</summary>
    public static long? BeforeNumber(string pageToken)
    {
        if (pageToken.Length == 0)
            return null;
        try
        {
            if (long.TryParse(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken)), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                && number > 0)
                return number;
        }
        catch (FormatException) { }
        throw DomainException.Invalid("page_token", "page_token is not a token this server returned; start again with an empty page_token.");
    }
}
