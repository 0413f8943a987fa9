namespace WeGoAssembly.Grains.Logistics;

/// <summary>
/// Told when an assembly's site-visit placements may have changed (an assignment stored, a move, a promotion), so
/// that participants hear of their seats and waitlist places; the host sends what is new, once.
/// </summary>
public interface IPlacementNotices
{
    /// <summary>Asks for the assembly's placement e-mails to be brought up to date; returns once that is queued.</summary>
    Task PlacementsChangedAsync(string assemblyId);
}
