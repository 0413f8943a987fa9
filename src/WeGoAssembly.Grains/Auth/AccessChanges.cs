namespace WeGoAssembly.Grains.Auth;

/// <summary>
/// Tells this node, the moment a change is stored, that what an actor ("staff:admin", "participant:p-seoul-1") may
/// do has changed: an account disabled or its roles changed, an access code revoked, an accreditation decided. The
/// server's access check forgets what it remembered of that actor, so their next call is checked afresh.
/// </summary>
public sealed class AccessChanges
{
    public event Action<string>? Changed;

    public void Notify(string actor) => Changed?.Invoke(actor);
}
