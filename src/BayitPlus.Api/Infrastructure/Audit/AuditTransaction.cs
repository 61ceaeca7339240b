using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Audit;

/// <summary>The transaction an atomic audited command and its audit record share. The driver has no
/// ambient session, so the handler of such a command passes this one to its writes explicitly.</summary>
public static class AuditTransaction
{
    private static readonly AsyncLocal<Attempt?> Ambient = new();

    /// <summary>The running command's session, or null outside an atomic audited command.</summary>
    public static IClientSessionHandle? Current => Ambient.Value?.Session;

    /// <summary>The session of an atomic audited command's handler; a handler of one reached
    /// without the audit pipeline is a programming error.</summary>
    public static IClientSessionHandle Required =>
        Current ?? throw new InvalidOperationException("An atomic audited command must run through the audit pipeline behavior.");

    /// <summary>Runs <paramref name="action"/> once the change has committed, never for an attempt
    /// that was aborted or retried: for side effects a transaction cannot undo (events, messages).</summary>
    public static void AfterCommit(Action action) =>
        (Ambient.Value ?? throw new InvalidOperationException("An atomic audited command must run through the audit pipeline behavior.")).AfterCommit.Add(action);

    /// <summary>One run of a command inside its transaction; a retried transaction gets a new one.</summary>
    internal sealed class Attempt(IClientSessionHandle session)
    {
        public IClientSessionHandle Session { get; } = session;

        public List<Action> AfterCommit { get; } = [];
    }

    internal static void Enter(Attempt? attempt) => Ambient.Value = attempt;
}
