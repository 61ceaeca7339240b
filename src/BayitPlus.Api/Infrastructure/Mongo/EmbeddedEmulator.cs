using BayitPlus.MongoEmulator;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>The zero-setup local run: an in-memory MongoDB emulator in this process, disposed with
/// the host. Compiled only into builds that are not Release (see <c>EmbeddedEmulator</c> in
/// BayitPlus.Api.csproj), so a published API can never start it.</summary>
internal static partial class EmbeddedEmulator
{
    /// <summary>Starts the emulator and returns its connection string.</summary>
    public static string Start(WebApplicationBuilder builder)
    {
        var server = MongoEmulatorServer.StartAsync(new MongoEmulatorOptions()).GetAwaiter().GetResult();
        builder.Services.AddSingleton(server);
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole()))
        {
            LogStarted(loggerFactory.CreateLogger("BayitPlus.Api.Mongo"), MongoSettings.UriKey, server.ConnectionString);
        }

        return server.ConnectionString;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UriKey} is not set: using the embedded MongoDB emulator at {ConnectionString}. DATA IS KEPT IN MEMORY ONLY and is lost when the API stops (Development only).")]
    private static partial void LogStarted(ILogger logger, string uriKey, string connectionString);
}
