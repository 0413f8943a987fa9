using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="DocumentUseCases"/>, one line per rpc. Personal data is the participant's own and the
/// secretariat's (checked in the use cases, as it depends on whose data it is); a letter is verified without a sign-in.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class DocumentGrpcService(DocumentUseCases useCases) : DocumentService.DocumentServiceBase
{
    public override Task<GetPersonalDetailsResponse> GetPersonalDetails(GetPersonalDetailsRequest request, ServerCallContext context) =>
        useCases.GetPersonalDetails(request, context.ToCallContext());

    public override Task<UpdatePersonalDetailsResponse> UpdatePersonalDetails(UpdatePersonalDetailsRequest request, ServerCallContext context) =>
        useCases.UpdatePersonalDetails(request, context.ToCallContext());

    public override Task<UploadPhotoResponse> UploadPhoto(UploadPhotoRequest request, ServerCallContext context) =>
        useCases.UploadPhoto(request, context.ToCallContext());

    public override Task<GetPhotoResponse> GetPhoto(GetPhotoRequest request, ServerCallContext context) =>
        useCases.GetPhoto(request, context.ToCallContext());

    public override Task<RequestVisaLetterResponse> RequestVisaLetter(RequestVisaLetterRequest request, ServerCallContext context) =>
        useCases.RequestVisaLetter(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<DecideVisaLetterResponse> DecideVisaLetter(DecideVisaLetterRequest request, ServerCallContext context) =>
        useCases.DecideVisaLetter(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<RevokeVisaLetterResponse> RevokeVisaLetter(RevokeVisaLetterRequest request, ServerCallContext context) =>
        useCases.RevokeVisaLetter(request, context.ToCallContext());

    [AllowAnonymous]
    public override Task<VerifyVisaLetterResponse> VerifyVisaLetter(VerifyVisaLetterRequest request, ServerCallContext context) =>
        useCases.VerifyVisaLetter(request, context.ToCallContext());

    public override Task<GetDocumentResponse> GetDocument(GetDocumentRequest request, ServerCallContext context) =>
        useCases.GetDocument(request, context.ToCallContext());

    public override Task<ExportPersonalDataResponse> ExportPersonalData(ExportPersonalDataRequest request, ServerCallContext context) =>
        useCases.ExportPersonalData(request, context.ToCallContext());
}
