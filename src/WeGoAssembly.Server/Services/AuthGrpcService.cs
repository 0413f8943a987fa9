using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="AuthUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class AuthGrpcService(AuthUseCases useCases) : AuthService.AuthServiceBase
{
    [AllowAnonymous]
    public override Task<SignInResponse> SignIn(SignInRequest request, ServerCallContext context) =>
        useCases.SignIn(request, context.ToCallContext());

    [AllowAnonymous]
    public override Task<RedeemAccessCodeResponse> RedeemAccessCode(RedeemAccessCodeRequest request, ServerCallContext context) =>
        useCases.RedeemAccessCode(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<UpsertStaffAccountResponse> UpsertStaffAccount(UpsertStaffAccountRequest request, ServerCallContext context) =>
        useCases.UpsertStaffAccount(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ListStaffAccountsResponse> ListStaffAccounts(ListStaffAccountsRequest request, ServerCallContext context) =>
        useCases.ListStaffAccounts(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat,Logistics")]
    public override Task<ChangePasswordResponse> ChangePassword(ChangePasswordRequest request, ServerCallContext context) =>
        useCases.ChangePassword(request, context.ToCallContext());
}
