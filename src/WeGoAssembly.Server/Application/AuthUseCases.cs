using System.Buffers.Text;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Grains.Rules;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;
using StaffAccount = WeGoAssembly.Contracts.Auth.StaffAccount;

namespace WeGoAssembly.Server.Application;

/// <summary>gRPC edge of sign-in: staff passwords and participant access codes become bearer tokens; staff accounts.</summary>
public sealed class AuthUseCases(
    IGrainFactory grains, StaffDirectory staff, BearerTokens tokens, SignInThrottle throttle, TimeProvider clock)
{
    // One message for every wrong pair, so a caller cannot learn which user names exist.
    private const string WrongCredentials = "The user name or password is wrong.";
    private const int MaxAccessCodeLength = 100;

    public async Task<SignInResponse> SignIn(SignInRequest request, CallContext context)
    {
        throttle.Check(context.Peer);
        var errors = new List<FieldError>();
        var userName = StaffAccountRules.UserName("user_name", request.UserName, errors);
        // A malformed user name or an impossible password cannot match an account: refused without hashing,
        // and without a per-name counter that junk names could fill.
        if (errors.Count > 0 || request.Password.Length is 0 or > StaffAccountRules.MaxPasswordLength)
        {
            throttle.Failed(context.Peer);
            throw new RpcException(new Status(StatusCode.Unauthenticated, WrongCredentials));
        }

        throttle.Check(context.Peer, userName);
        var account = await grains.GetGrain<IStaffAccountGrain>(userName).VerifyPasswordAsync(request.Password);
        if (account is null)
        {
            throttle.Failed(context.Peer, userName);
            throw new RpcException(new Status(StatusCode.Unauthenticated, WrongCredentials));
        }
        // Said only to someone who knows the password, so it reveals nothing to a guesser.
        if (account.Disabled)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "This account is disabled; ask the secretariat to enable it."));
        throttle.Succeeded(context.Peer, userName);
        return new() { Session = Session(new CallerIdentity($"staff:{account.UserName}", account.Roles.ToHashSet(), account.DisplayName, null)) };
    }

    public async Task<RedeemAccessCodeResponse> RedeemAccessCode(RedeemAccessCodeRequest request, CallContext context)
    {
        throttle.Check(context.Peer);
        var code = request.AccessCode;
        var key = code.Length is > 0 and <= MaxAccessCodeLength ? AccessCodes.KeyOf(code) : null;
        var participant = key is null ? null : await grains.GetGrain<IAccessCodeGrain>(key).GetAsync();
        if (participant is null)
        {
            throttle.Failed(context.Peer);
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "This access code is not valid (case, spaces and hyphens do not matter); check it, or ask your delegation's focal point or the secretariat for it."));
        }
        // A focal point's code names their city, not a participant: they sign in with the FocalPoint role alone.
        var role = ParticipantIds.IsFocalPoint(participant.ParticipantId) ? Role.FocalPoint : Role.Participant;
        var identity = new CallerIdentity(AccessCodes.ActorOf(participant), new HashSet<Role> { role }, participant.DisplayName, participant);
        return new() { Session = Session(identity, key) };
    }

    public async Task<UpsertStaffAccountResponse> UpsertStaffAccount(UpsertStaffAccountRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var account = request.Account ?? throw DomainException.Invalid("account", "account is required.");
        var errors = new List<FieldError>();
        var userName = StaffAccountRules.UserName("account.user_name", account.UserName, errors);
        DomainErrors.ThrowIfAny(errors);
        var change = new StaffAccountChange(userName, account.DisplayName, account.Roles.Select(r => (Role)r).ToArray(), account.Disabled, request.Password);
        // Keeps the secretariat from locking itself out by accident; another secretariat member can still do it.
        if (caller.Actor == $"staff:{userName}" && (change.Disabled || !change.Roles.Contains(Role.Secretariat)))
            throw new DomainException(DomainErrorKind.StateConflict,
                "You cannot disable your own account or remove your own Secretariat role; ask another secretariat member to do it.");

        var result = await grains.GetGrain<IStaffAccountGrain>(userName).UpsertAsync(change, caller.Actor);
        return new() { Account = ToProto(result.Account), Created = result.Created };
    }

    public async Task<ListStaffAccountsResponse> ListStaffAccounts(ListStaffAccountsRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var page = await staff.ListAsync(AfterUserName(request.PageToken), pageSize, context.CancellationToken);
        var response = new ListStaffAccountsResponse { NextPageToken = page.ContinueAfter is { } last ? RequestChecks.PageToken(last) : "" };
        response.Accounts.AddRange(page.Accounts.Select(ToProto));
        return response;
    }

    public async Task<ChangePasswordResponse> ChangePassword(ChangePasswordRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat, Role.Logistics);
        var userName = caller.Actor["staff:".Length..];
        // A stolen session must not become a stolen account by guessing: wrong current passwords back off per account.
        throttle.CheckAccount(userName);
        if (request.CurrentPassword.Length is 0 or > StaffAccountRules.MaxPasswordLength
            || !await grains.GetGrain<IStaffAccountGrain>(userName).ChangePasswordAsync(request.CurrentPassword, request.NewPassword))
        {
            throttle.FailedAccount(userName);
            throw DomainException.Invalid("current_password", "The current password is wrong; type the password you signed in with.");
        }
        throttle.SucceededAccount(userName);
        return new() { ChangedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) };
    }

    private AuthSession Session(CallerIdentity identity, string? accessCodeKey = null)
    {
        var (token, expiresAt) = tokens.Issue(identity, accessCodeKey);
        var session = new AuthSession
        {
            BearerToken = token,
            ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt),
            DisplayName = identity.DisplayName,
            ParticipantId = identity.Participant?.ParticipantId ?? "",
            AssemblyId = identity.Participant?.AssemblyId ?? "",
            MemberCityId = identity.Participant?.MemberCityId ?? "",
        };
        session.Roles.AddRange(identity.Roles.Order().Select(r => (UserRole)r));
        return session;
    }

    private static Protos.V1.StaffAccount ToProto(StaffAccount a)
    {
        var account = new Protos.V1.StaffAccount
        {
            UserName = a.UserName, DisplayName = a.DisplayName, Disabled = a.Disabled, UpdatedAt = Timestamp.FromDateTimeOffset(a.UpdatedAt),
        };
        account.Roles.AddRange(a.Roles.Select(r => (UserRole)r));
        return account;
    }

    // Page tokens are the last user name, base64url-encoded, as for the member register; user names may hold '.' and '_'.
    private static string? AfterUserName(string pageToken)
    {
        if (pageToken.Length == 0)
            return null;
        try
        {
            var errors = new List<FieldError>();
            var name = StaffAccountRules.UserName("page_token", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken)), errors);
            if (errors.Count == 0)
                return name;
        }
        catch (FormatException) { }
        throw DomainException.Invalid("page_token", "page_token is not a token this server returned; start again with an empty page_token.");
    }
}
