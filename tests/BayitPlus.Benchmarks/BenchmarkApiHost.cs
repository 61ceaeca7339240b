extern alias api;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace BayitPlus.Benchmarks;

/// <summary>The whole API in process on the benchmark's MongoDB database, quiet logs and the global
/// limit raised so every request is served; <paramref name="settings"/> adds what a mode needs (its
/// own rate-limit policy, a provider's test secret).</summary>
internal sealed class BenchmarkApiHost(string connectionString, string databaseName, IReadOnlyDictionary<string, string> settings)
    : WebApplicationFactory<api::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSolutionRelativeContentRoot("src/BayitPlus.Api");
        builder.UseEnvironment("Testing");
        builder.UseSetting("MONGODB_URI", connectionString);
        builder.UseSetting("MONGODB_DATABASE", databaseName);
        builder.UseSetting("Jwt:SigningKey", "bayitplus-benchmark-signing-key-0123456789abcdef");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:BayitPlus.Api.Infrastructure.Mongo.MongoCommandMetrics", "Error");
        builder.UseSetting("RateLimits:Global:PermitLimit", "100000000");

        // A benchmark never calls OpenAI, whatever the environment holds: the local model runs.
        builder.UseSetting("AI:OpenAI:ApiKey", "");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
