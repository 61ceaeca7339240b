using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Audit;

/// <summary>The transaction an atomic audited command and its audit record share. The driver has no
/// ambient session, so the handler of such a command passes this one to its writes explicitly.</summary>
public static class AuditTransaction
{
    private static readonly AsyncLocal<IClientSessionHandle?> Ambient = new();

    /// <summary>The running command's session, or null outside an atomic audited command.</summary>
    public static IClientSessionHandle? Current
    {
        get => Ambient.Value;
        internal set => Ambient.Value = value;
    }

    /// <summary>The session of an atomic audited command's handler; a handler of one reached
    /// without the audit pipeline is a programming error.</summary>
    public static IClientSessionHandle Required =>
        Current ?? throw new InvalidOperationException("An atomic audited command must run through the audit pipeline behavior.");
}
