using WeGoAssembly.Grains.Rules;
using Microsoft.AspNetCore.Components;


namespace WeGoAssembly.Server.Web;

/// <summary>
/// What every screen shares: the calls (<see cref="Api"/>), the message of the last failed call (<see cref="Error"/>,
/// shown by &lt;Problem&gt;), and a token that ends the page's live views when the person leaves it.
/// </summary>
public abstract class WebPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource leaving = new();

    [Inject] protected WebApi Api { get; set; } = default!;

    protected string? Error { get; set; }

    /// <summary>Cancelled when the page is left or the circuit ends.</summary>
    protected CancellationToken Leaving => leaving.Token;

    /// <summary>Runs a call; a refusal becomes <see cref="Error"/> (and false) instead of an exception.</summary>
    protected async Task<bool> Try(Func<Task> call)
    {
        try
        {
            await call();
            Error = null;
            return true;
        }
        catch (Exception e) when (WebApi.AsRefusal(e) is { } refusal)
        {
            Error = Lang.Explain(refusal);
            return false;
        }
    }

    /// <summary>The assemblies a staff page can switch between (<see cref="ChooseAssemblyAsync"/> fills it).</summary>
    protected IReadOnlyList<Protos.V1.Assembly> Assemblies { get; private set; } = [];

    /// <summary>The assembly a staff page works on: the one its address names, else <see cref="Shared.AssemblyChoice.Default"/>; null when there is none yet.</summary>
    protected async Task<Protos.V1.Assembly?> ChooseAssemblyAsync(string? named)
    {
        Protos.V1.Assembly? chosen = null;
        await Try(async () =>
        {
            Assemblies = [.. (await Api.Assembly.ListAssemblies(new() { PageSize = 500 }, await Api.Caller(Leaving))).Assemblies];
            // The list holds every assembly; GetAssembly only says precisely why a named one is not there.
            chosen = named is not { Length: > 0 } ? Shared.AssemblyChoice.Default(Assemblies)
                : Assemblies.FirstOrDefault(a => a.Id == named)
                    ?? (await Api.Assembly.GetAssembly(new() { AssemblyId = named }, await Api.Caller(Leaving))).Assembly;
        });
        if (chosen is not null)
            Zone = ZoneOf(chosen);
        return chosen;
    }

    /// <summary>The active member cities, by name, for choosing one (<see cref="LoadCitiesAsync"/> fills it).</summary>
    protected IReadOnlyList<Protos.V1.MemberCity> Cities { get; private set; } = [];

    private Dictionary<string, string> cityNames = [];

    /// <summary>Reads the member register once for the page: the cities to choose from and the name of every city.</summary>
    protected async Task LoadCitiesAsync()
    {
        var all = new List<Protos.V1.MemberCity>();
        await Try(async () =>
        {
            var token = "";
            do
            {
                var page = await Api.Membership.ListMemberCities(new() { PageSize = 500, PageToken = token }, await Api.Caller(Leaving));
                all.AddRange(page.MemberCities);
                token = page.NextPageToken;
            } while (token.Length > 0);
        });
        cityNames = all.ToDictionary(c => c.Id, Application.CityNames.Of);
        Cities = [.. all.Where(c => c.Status == Protos.V1.MemberStatus.Active).OrderBy(c => c.NameEn, StringComparer.CurrentCulture)];
    }

    /// <summary>A member city's name (after <see cref="LoadCitiesAsync"/>), withdrawn ones too; its id when it is not in the register.</summary>
    protected string City(string id) => cityNames.GetValueOrDefault(id, id);

    /// <summary>
    /// The time zone of the assembly the page works on (<see cref="ChooseAssemblyAsync"/> sets it): every time is shown
    /// in the venue's zone, with its name, whatever the zone of the device looking at it.
    /// </summary>
    protected TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;

    public static TimeZoneInfo ZoneOf(Protos.V1.Assembly assembly) => AssemblyCalendar.Zone(assembly.TimeZone);

    protected DateTimeOffset Local(Google.Protobuf.WellKnownTypes.Timestamp time) => TimeZoneInfo.ConvertTime(time.ToDateTimeOffset(), Zone);

    protected string When(Google.Protobuf.WellKnownTypes.Timestamp? time, string format = "yyyy-MM-dd HH:mm") =>
        time is null ? "" : Local(time).ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Re-renders from a live view's callback, which runs outside the renderer's context.</summary>
    protected Task Refresh() => InvokeAsync(StateHasChanged);

    /// <summary>What a page lets go of when the person leaves it (besides its live views, which <see cref="Leaving"/> ends).</summary>
    protected virtual void OnLeaving()
    {
    }

    public void Dispose()
    {
        leaving.Cancel();
        leaving.Dispose();
        OnLeaving();
        GC.SuppressFinalize(this);
    }
}
