using System.Globalization;
using System.Net;
using System.Text;

namespace WeGoAssembly.Grpc;

/// <summary>The gRPC header values that need more than a string copy: grpc-timeout, grpc-message, and HTTP status fallbacks.</summary>
internal static class WireHeaders
{
    private const long MaxTimeoutValue = 99_999_999; // PROTOCOL-HTTP2.md: TimeoutValue is at most 8 ASCII digits.

    /// <summary>Parses grpc-timeout ("100m", "5S"): 1 to 8 digits, then one of H M S m u n.</summary>
    public static bool TryParseTimeout(string value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        // 99,999,999 hours is 3.6e18 ticks: fits a long, so none of these multiplications overflow.
        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => amount / TimeSpan.NanosecondsPerTick,
            _ => null,
        };
        timeout = TimeSpan.FromTicks(ticks ?? 0);
        return ticks is not null;
    }

    /// <summary>Formats a timeout in the finest unit whose value fits in 8 digits, rounding up so the server never cuts a call short.</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        var ticks = Math.Max(1, timeout.Ticks);
        foreach (var (unitTicks, unit) in new[]
                 {
                     (TimeSpan.TicksPerMicrosecond, 'u'), (TimeSpan.TicksPerMillisecond, 'm'), (TimeSpan.TicksPerSecond, 'S'),
                     (TimeSpan.TicksPerMinute, 'M'),
                 })
        {
            var amount = (ticks + unitTicks - 1) / unitTicks;
            if (amount <= MaxTimeoutValue)
            {
                return amount.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        var hours = Math.Min(MaxTimeoutValue, (ticks + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour);
        return hours.ToString(CultureInfo.InvariantCulture) + "H";
    }

    /// <summary>
    /// Percent-encodes grpc-message: every UTF-8 byte outside 0x20–0x7E, and '%' itself, becomes %XX.
    /// Encoding only those keeps the value decodable by grpc-js, which uses decodeURI.
    /// </summary>
    public static string EncodeMessage(string message)
    {
        if (!message.AsSpan().ContainsAnyExceptInRange(' ', '~') && !message.Contains('%'))
        {
            return message;
        }

        var builder = new StringBuilder(message.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != '%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="EncodeMessage"/>; a '%' not followed by two hex digits is kept as is (the spec asks for leniency).</summary>
    public static string DecodeMessage(string value)
    {
        if (!value.Contains('%'))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length
                && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The status a client synthesizes from a non-200 HTTP response (grpc/doc/http-grpc-status-mapping.md).</summary>
    public static Status FromHttpStatus(HttpStatusCode httpStatus)
    {
        var code = (int)httpStatus switch
        {
            400 => StatusCode.Internal,
            401 => StatusCode.Unauthenticated,
            403 => StatusCode.PermissionDenied,
            404 => StatusCode.Unimplemented,
            429 or 502 or 503 or 504 => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new Status(code, $"Bad gRPC response. HTTP status code: {(int)httpStatus}");
    }
}
