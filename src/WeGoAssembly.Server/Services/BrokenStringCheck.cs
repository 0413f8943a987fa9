using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// Finds a string field that arrived as bytes that are not UTF-8. Google.Protobuf decodes such bytes leniently, as
/// U+FFFD, so a name sent with broken bytes would be stored silently changed; the protobuf spec requires UTF-8 in
/// string fields and the C++, Java and Go runtimes refuse such a message. The decoded message is all a service
/// sees, so a U+FFFD in a string field is taken as that mark (a person never types it).
/// </summary>
public static class BrokenStringCheck
{
    private static readonly ConcurrentDictionary<MessageDescriptor, FieldDescriptor[]> Walked = new();

    /// <summary>The path of the first string field (e.g. "member_city.name_en") holding U+FFFD, or null.</summary>
    public static string? Find(IMessage message)
    {
        foreach (var field in Fields(message.Descriptor))
        {
            var value = field.Accessor.GetValue(message);
            switch (value)
            {
                case string s when s.Contains('\uFFFD'):
                    return field.Name;
                case IMessage inner when Find(inner) is { } path:
                    return field.Name + "." + path;
                case IList list:
                    foreach (var item in list)
                        if (item is string s && s.Contains('\uFFFD'))
                            return field.Name;
                        else if (item is IMessage m && Find(m) is { } itemPath)
                            return field.Name + "." + itemPath;
                    break;
                case IDictionary map:
                    foreach (DictionaryEntry entry in map)
                        if ((entry.Key is string k && k.Contains('\uFFFD')) || (entry.Value is string v && v.Contains('\uFFFD')))
                            return field.Name;
                        else if (entry.Value is IMessage m && Find(m) is { } entryPath)
                            return field.Name + "." + entryPath;
                    break;
            }
        }
        return null;
    }

    /// <summary>The fields worth reading: strings, and messages that can hold a string somewhere.</summary>
    private static FieldDescriptor[] Fields(MessageDescriptor descriptor) =>
        Walked.GetOrAdd(descriptor, static d => [.. d.Fields.InFieldNumberOrder().Where(f => Reaches(f, []))]);

    private static bool Reaches(FieldDescriptor field, HashSet<MessageDescriptor> seen) => field.FieldType switch
    {
        FieldType.String => true,
        FieldType.Message or FieldType.Group => seen.Add(field.MessageType) && field.MessageType.Fields.InFieldNumberOrder().Any(f => Reaches(f, seen)),
        _ => false,
    };
}
