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

    /// <summary>Re-renders from a live view's callback, which runs outside the renderer's context.</summary>
    protected Task Refresh() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        leaving.Cancel();
        leaving.Dispose();
        GC.SuppressFinalize(this);
    }
}
