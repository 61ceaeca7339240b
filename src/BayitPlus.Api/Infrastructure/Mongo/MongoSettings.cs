namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Where the database is: <c>MONGODB_URI</c> and <c>MONGODB_DATABASE</c>, and the slow
/// command threshold (<c>Mongo:SlowCommandThresholdMs</c>).</summary>
public sealed class MongoSettings
{
    public const string UriKey = "MONGODB_URI";
    public const string DatabaseKey = "MONGODB_DATABASE";
    public const string DefaultDatabase = "bayit_plus";

    public required string ConnectionString { get; init; }

    public required string DatabaseName { get; init; }

    /// <summary>Commands slower than this are logged as warnings and counted, like the spec's
    /// profiler setting (slowms=100).</summary>
    public TimeSpan SlowCommandThreshold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>True when the API runs on the in-process emulator it started itself.</summary>
    public bool IsEmbeddedEmulator { get; init; }
}
