using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Security;

/// <summary>The spec's severities of security events.</summary>
public static class Severity
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";
}

/// <summary>One security event (the spec's <c>securityauditlog</c> record before it is stored).</summary>
public sealed record SecurityEvent(string EventType, string Severity, string? UserId, string? IpAddress, BsonDocument? Details = null);

/// <summary>Records security events for any slice or the infrastructure. Never blocks the caller:
/// events are queued and written in batches by the Audit slice's writer.</summary>
public interface ISecurityEvents
{
    void Record(SecurityEvent securityEvent);
}

/// <summary>Security events when no slice records them: dropped.</summary>
public sealed class NoSecurityEvents : ISecurityEvents
{
    public void Record(SecurityEvent securityEvent)
    {
    }
}
