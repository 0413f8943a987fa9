using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Tests;

/// <summary>Typed LogisticsService calls as one signed-in caller.</summary>
public static class LogisticsCalls
{
    private const string Service = "/wego.assembly.v1.LogisticsService/";

    public static async Task<SiteVisit> CreateSiteVisit(this SampleApi api, SiteVisit visit) =>
        (await api.Unary<CreateSiteVisitRequest, CreateSiteVisitResponse>(Service + "CreateSiteVisit", new() { SiteVisit = visit })).SiteVisit;

    public static Task<ListSiteVisitsResponse> ListSiteVisits(this SampleApi api, string assemblyId) =>
        api.Unary<ListSiteVisitsRequest, ListSiteVisitsResponse>(Service + "ListSiteVisits", new() { AssemblyId = assemblyId });

    public static Task<SubmitPreferencesResponse> SubmitPreferences(this SampleApi api, string participantId, params string[] visitIds)
    {
        var request = new SubmitPreferencesRequest { ParticipantId = participantId };
        request.SiteVisitIds.AddRange(visitIds);
        return api.Unary<SubmitPreferencesRequest, SubmitPreferencesResponse>(Service + "SubmitPreferences", request);
    }

    public static Task<RunAssignmentResponse> RunAssignment(this SampleApi api, string assemblyId, bool dryRun = false) =>
        api.Unary<RunAssignmentRequest, RunAssignmentResponse>(Service + "RunAssignment", new() { AssemblyId = assemblyId, DryRun = dryRun });

    public static Task<GetAssignmentResponse> GetAssignment(this SampleApi api, string assemblyId, string participantId = "", string visitId = "") =>
        api.Unary<GetAssignmentRequest, GetAssignmentResponse>(Service + "GetAssignment",
            new() { AssemblyId = assemblyId, ParticipantId = participantId, SiteVisitId = visitId });

    public static Task<MoveParticipantResponse> MoveParticipant(this SampleApi api, MoveParticipantRequest request) =>
        api.Unary<MoveParticipantRequest, MoveParticipantResponse>(Service + "MoveParticipant", request);

    public static Task<GetManifestResponse> GetManifest(this SampleApi api, string visitId, string vehicleId = "") =>
        api.Unary<GetManifestRequest, GetManifestResponse>(Service + "GetManifest", new() { SiteVisitId = visitId, VehicleId = vehicleId });

    public static async Task<string> ExportManifest(this SampleApi api, string visitId) =>
        (await api.Unary<ExportManifestRequest, ExportManifestResponse>(Service + "ExportManifest", new() { SiteVisitId = visitId })).Csv.ToStringUtf8();

    public static Task<CheckInDepartureResponse> CheckInDeparture(this SampleApi api, string visitId, string badgeCode, string vehicleId = "") =>
        api.Unary<CheckInDepartureRequest, CheckInDepartureResponse>(Service + "CheckInDeparture",
            new() { SiteVisitId = visitId, BadgeCode = badgeCode, VehicleId = vehicleId });

    public static async Task<Itinerary> SubmitItinerary(this SampleApi api, Itinerary itinerary) =>
        (await api.Unary<SubmitItineraryRequest, SubmitItineraryResponse>(Service + "SubmitItinerary", new() { Itinerary = itinerary })).Itinerary;

    public static Task<ListArrivalsResponse> ListArrivals(this SampleApi api, ListArrivalsRequest request) =>
        api.Unary<ListArrivalsRequest, ListArrivalsResponse>(Service + "ListArrivals", request);

    public static Task<SetPreferencesCutoffResponse> SetPreferencesCutoff(this SampleApi api, string assemblyId, DateTimeOffset? cutoff) =>
        api.Unary<SetPreferencesCutoffRequest, SetPreferencesCutoffResponse>(Service + "SetPreferencesCutoff",
            new() { AssemblyId = assemblyId, PreferencesCutoff = cutoff is { } c ? Timestamp.FromDateTimeOffset(c) : null });

    /// <summary>A visit of <paramref name="assemblyId"/> on 7 September 2023 (Asia/Seoul) from <paramref name="startHour"/> for three hours.</summary>
    public static SiteVisit Visit(string assemblyId, string title, int capacity, int startHour, params (string Id, int Seats)[] vehicles)
    {
        var start = new DateTimeOffset(2023, 9, 7, startHour, 0, 0, TimeSpan.FromHours(9));
        var visit = new SiteVisit
        {
            AssemblyId = assemblyId, TitleEn = title, TitleKo = "견학 " + title, Place = title + ", Seoul", MeetingPoint = "Seoul City Hall, west gate",
            StartsAt = Timestamp.FromDateTimeOffset(start), EndsAt = Timestamp.FromDateTimeOffset(start.AddHours(3)), Capacity = capacity,
        };
        visit.Vehicles.AddRange(vehicles.Select(v => new Vehicle { Id = v.Id, Seats = v.Seats, Label = "Bus " + v.Id }));
        return visit;
    }

    /// <summary>As the secretariat: a badged participant of the city who may rank visits; returns the participant id and badge code.</summary>
    public static async Task<(string Id, string Badge)> ApprovedAsync(this SampleApi secretariat, string assemblyId, string cityId, string givenName)
    {
        var badge = await secretariat.BadgedAsync(assemblyId, cityId, ParticipantRole.Observer, givenName);
        return (badge.Participant.Id, badge.QrSecret);
    }
}
