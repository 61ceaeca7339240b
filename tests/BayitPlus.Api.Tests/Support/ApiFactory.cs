using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Driver;

[assembly: AssemblyFixture(typeof(MongoBackendFixture))]

namespace BayitPlus.Api.Tests.Support;

/// <summary>
/// The real API host (the whole HTTP pipeline) on a fresh database of the process's MongoDB backend
/// (see <see cref="MongoBackend"/>). One factory per test class; subclasses change settings or
/// services by overriding <see cref="Settings"/> and <see cref="ConfigureServices"/>.
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
        DatabaseName = Backend.CreateUniqueDatabase(GetType().Name).DatabaseNamespace.DatabaseName;
        await BeforeHostStartsAsync(Database);
        await Services.GetRequiredService<DatabaseReadiness>().WhenIndexesReady.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_backend is not null)
        {
            if (DatabaseName.Length > 0)
            {
                await Backend.Client.DropDatabaseAsync(DatabaseName);
            }

            await _backend.ReleaseAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Configuration for this factory's host. Limits are raised so tests do not trip them
    /// unless they mean to; BCrypt runs at its cheapest cost.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:Global:PermitLimit"] = "1000000",
        ["RateLimits:register:PermitLimit"] = "1000000",
        ["RateLimits:login:PermitLimit"] = "1000000",
        ["RateLimits:refresh:PermitLimit"] = "1000000",
        ["Users:BcryptWorkFactor"] = "4",
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
