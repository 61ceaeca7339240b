namespace BayitPlus.MongoEmulator;

public sealed class MongoEmulatorOptions
{
    public int Port { get; init; }

    public string ReplicaSetName { get; init; } = "rs0";

    public int MaxMessageSizeBytes { get; init; } = 48_000_000;

    public TimeSpan TtlMonitorInterval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
