using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using BayitPlus.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Driver;

[assembly: AssemblyFixture(typeof(MongoBackendFixture))]
[assembly: AssemblyFixture(typeof(BayitPlus.Api.Tests.Support.ApiFactory))]

namespace BayitPlus.Api.Tests.Support;

/// <summary>
/// The real API host (the whole HTTP pipeline) on a database of its own in the process's MongoDB
/// backend (see <see cref="MongoBackend"/>). This class itself is an assembly fixture: one host, with
/// the default test settings, serves every test class that takes an <see cref="ApiFactory"/>, and
/// those classes run in parallel on it, so each test makes its own data (a new email, section slug,
/// title or id) and asserts only on what its filters find of it. A configuration of its own (other
/// settings or services, an empty or prepared database) is a subclass overriding
/// <see cref="Settings"/>, <see cref="ConfigureServices"/> or <see cref="BeforeHostStartsAsync"/>:
/// the class fixture of the one class that needs it, or a collection fixture when several classes
/// share it (as <see cref="FakeClockCollection"/>), so each configuration starts one host.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>A fixed test-only HMAC key, so tests can forge tokens to prove they are refused.</summary>
    public const string JwtSigningKey = "bayitplus-tests-only-signing-key-0123456789abcdef";

    private MongoBackend? _backend;

    public MongoBackend Backend => _backend ?? throw new InvalidOperationException("The factory is not initialized.");

    public string DatabaseName { get; private set; } = "";

    /// <summary>The test database, for asserting what was stored (raw BSON shows the element names).</summary>
    public IMongoDatabase Database => Backend.Client.GetDatabase(DatabaseName);

    public async ValueTask InitializeAsync()
    {
        _backend = await MongoBackend.AcquireAsync();
        DatabaseName = SharedDatabaseName ?? Backend.CreateUniqueDatabase(GetType().Name).DatabaseNamespace.DatabaseName;
        await BeforeHostStartsAsync(Database);
        await Task.WhenAll(Services.GetRequiredService<ReadinessGates>().Gates.Select(g => g.Settled)).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_backend is not null)
        {
            if (DatabaseName.Length > 0 && SharedDatabaseName is null)
            {
                await Backend.Client.DropDatabaseAsync(DatabaseName);
            }

            await _backend.ReleaseAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Another host's database, for a second API instance on the same data (which that
    /// host owns and drops); null for a database of this host's own.</summary>
    protected virtual string? SharedDatabaseName => null;

    /// <summary>Configuration for this factory's host. Limits are raised so tests do not trip them
    /// unless they mean to; BCrypt runs at its cheapest cost.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Global:PermitLimit"] = "1000000",
        ["RateLimits:register:PermitLimit"] = "1000000",
        ["RateLimits:login:PermitLimit"] = "1000000",
        ["RateLimits:refresh:PermitLimit"] = "1000000",
        ["Users:BcryptWorkFactor"] = "4",
        ["Cors:AllowedOrigins:0"] = "https://app.example",

        // A key in the developer's environment must never send a test to OpenAI: hosts that test
        // the OpenAI path set one with a local endpoint.
        ["AI:OpenAI:ApiKey"] = "",
    };

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Prepares the database before the API starts (e.g. data another service left there).</summary>
    protected virtual Task BeforeHostStartsAsync(IMongoDatabase database) => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting(MongoSettings.UriKey, Backend.ConnectionString);
        builder.UseSetting(MongoSettings.DatabaseKey, DatabaseName);
        builder.UseSetting("Jwt:SigningKey", JwtSigningKey);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientIpStartupFilter>());
        builder.ConfigureTestServices(ConfigureServices);
    }
}

/// <summary>A factory whose clock tests move by hand.</summary>
public class FakeClockApiFactory : ApiFactory
{
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
}

/// <summary>
/// The test classes on the one <see cref="FakeClockApiFactory"/> host (<c>[Collection&lt;FakeClockCollection&gt;]</c>).
/// They run one after another, never in parallel: a test that advances the shared clock would
/// otherwise expire another test's tokens, or move "now" between another test's request and its
/// assertion on the stored time. Hosts whose fake clock goes with other settings (lockout, Firebase,
/// anonymization) are fixtures of their own classes.
/// </summary>
[CollectionDefinition]
public sealed class FakeClockCollection : ICollectionFixture<FakeClockApiFactory>;
