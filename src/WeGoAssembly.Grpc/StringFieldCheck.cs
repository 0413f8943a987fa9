using System.Collections.Concurrent;
using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace WeGoAssembly.Grpc;

/// <summary>
/// Finds a string field that is not valid UTF-8. Google.Protobuf decodes such bytes leniently, as U+FFFD, so a
/// name sent with broken bytes would be stored silently changed; the protobuf spec requires UTF-8 in string fields
/// and the C++, Java and Go runtimes refuse the message. Runs over the wire bytes of a message that already parsed.
/// </summary>
internal static class StringFieldCheck
{
    private static readonly ConcurrentDictionary<MessageDescriptor, bool> HasStrings = new();

    /// <summary>The path of the first string field (e.g. "member_city.name_en") that is not valid UTF-8, or null.</summary>
    public static string? FindInvalid(MessageDescriptor descriptor, ReadOnlySpan<byte> message)
    {
        var at = 0;
        return Walk(descriptor, message, ref at);
    }

    /// <summary>Whether a message of this type can hold a string anywhere; when not, there is nothing to walk.</summary>
    public static bool ContainsStrings(MessageDescriptor descriptor) =>
        HasStrings.GetOrAdd(descriptor, static d => Reaches(d, []));

    private static bool Reaches(MessageDescriptor descriptor, HashSet<MessageDescriptor> seen) =>
        seen.Add(descriptor) && descriptor.Fields.InFieldNumberOrder().Any(f =>
            f.FieldType == FieldType.String || (f.FieldType is FieldType.Message or FieldType.Group && Reaches(f.MessageType, seen)));

    /// <summary>Walks fields until the end of <paramref name="data"/> or an end-group tag; a null descriptor (an unknown group) is skipped, not checked.</summary>
    private static string? Walk(MessageDescriptor? descriptor, ReadOnlySpan<byte> data, ref int at)
    {
        while (at < data.Length)
        {
            var tag = ReadVarint(data, ref at);
            var field = descriptor?.FindFieldByNumber((int)(tag >> 3));
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(data, ref at);
                    break;
                case 1:
                    at += 8;
                    break;
                case 5:
                    at += 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(data, ref at);
                    var value = data.Slice(at, length);
                    at += length;
                    if (field?.FieldType == FieldType.String && !Utf8.IsValid(value))
                    {
                        return field.Name;
                    }

                    if (field?.FieldType == FieldType.Message && ContainsStrings(field.MessageType))
                    {
                        var inner = 0;
                        if (Walk(field.MessageType, value, ref inner) is { } path)
                        {
                            return field.Name + "." + path;
                        }
                    }

                    break;
                case 3:
                    var groupType = field?.FieldType == FieldType.Group ? field.MessageType : null;
                    if (Walk(groupType, data, ref at) is { } groupPath)
                    {
                        return field!.Name + "." + groupPath;
                    }

                    break;
                default:
                    return null;   // end of the group this walk was called for
            }
        }

        return null;
    }

    // The parser has accepted these bytes, so every varint is well formed and every length lies within the message.
    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
