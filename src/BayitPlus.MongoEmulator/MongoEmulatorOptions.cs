using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BayitPlus.MongoEmulator;

/// <summary>Settings of one <see cref="MongoEmulatorServer"/>.</summary>
public sealed class MongoEmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 lets the operating system pick a free one.</summary>
    public int Port { get; set; }

    /// <summary>Replica set name announced in the handshake, so drivers allow sessions and transactions.</summary>
    public string ReplicaSetName { get; set; } = "rs0";

    /// <summary>Largest wire message accepted; a client sending more is disconnected.</summary>
    public int MaxMessageSizeBytes { get; set; } = 48_000_000;

    /// <summary>How often the engine removes documents expired by TTL indexes.</summary>
    public TimeSpan TtlMonitorInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Committed changes kept for change streams (the oplog's size, in entries): a stream
    /// resuming from before the oldest fails with ChangeStreamHistoryLost, as on MongoDB.</summary>
    public int ChangeHistoryEntries { get; set; } = 100_000;

    /// <summary>Clock for $$NOW, TTL expiry and the handshake's localTime; tests may pass a fake one.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public ILogger Logger { get; set; } = NullLogger.Instance;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentException.ThrowIfNullOrWhiteSpace(ReplicaSetName);
        // The smallest useful message is an OP_MSG with an empty body document: header, flags, kind, document.
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageSizeBytes, 26);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TtlMonitorInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(Time);
        ArgumentNullException.ThrowIfNull(Logger);
    }
}
