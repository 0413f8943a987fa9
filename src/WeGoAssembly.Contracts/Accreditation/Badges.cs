using Orleans;
using Orleans.Concurrency;

namespace WeGoAssembly.Contracts.Accreditation;

/// <summary>Who a badge belongs to, as its index entry records it.</summary>
[GenerateSerializer, Alias("wego.BadgeHolder")]
public sealed record BadgeHolder(string ParticipantId, string AssemblyId, string MemberCityId, string BadgeNumber, bool Revoked);

/// <summary>A stored credentials letter: its record and its bytes (up to 5 MiB, so passed by reference, never copied).</summary>
[GenerateSerializer, Immutable, Alias("wego.StoredLetter")]
public sealed record StoredLetter(CredentialsLetter Letter, byte[] Content);
