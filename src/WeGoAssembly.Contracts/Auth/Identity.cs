using Orleans;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>What a signed-in user may do; numbers equal the proto UserRole values.</summary>
[GenerateSerializer, Alias("wego.Role")]
public enum Role { Secretariat = 1, Logistics = 2, Participant = 3, FocalPoint = 4 }

/// <summary>A registered participant as an access code or a token names them.</summary>
[GenerateSerializer, Alias("wego.ParticipantRef")]
public sealed record ParticipantRef(string ParticipantId, string AssemblyId, string MemberCityId, string DisplayName);
