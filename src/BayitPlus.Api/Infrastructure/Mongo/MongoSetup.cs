using System.Reflection;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;

namespace BayitPlus.Api.Infrastructure.Mongo;

public static class MongoSetup
{
    /// <summary>Registers the database: settings from <c>MONGODB_URI</c>/<c>MONGODB_DATABASE</c> (in
    /// a Debug build, the embedded emulator when no URI is set in Development) and <c>Mongo:*</c>, one
    /// client and context, command metrics, every slice's index declarations and the initializer that
    /// creates them and recreates them whenever they go missing, every <see cref="IMigration"/> and
    /// the runner that applies the pending ones once the indexes exist.</summary>
    public static WebApplicationBuilder AddMongo(this WebApplicationBuilder builder, Assembly slices)
    {
        MongoConventions.Register();
        var settings = ResolveSettings(builder);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<MongoCommandMetrics>();
        builder.Services.AddSingleton<IMongoClient>(services =>
        {
            var clientSettings = ClientSettings(settings);
            var metrics = services.GetRequiredService<MongoCommandMetrics>();
            var readiness = services.GetRequiredService<DatabaseReadiness>();
            clientSettings.ClusterConfigurator = cluster =>
            {
                metrics.Subscribe(cluster);
                readiness.Subscribe(cluster);
            };
            return new MongoClient(clientSettings);
        });
        builder.Services.AddSingleton<MongoContext>();
        builder.Services.AddSingleton<DatabaseReadiness>();
        foreach (var declaration in slices.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICollectionIndexes).IsAssignableFrom(t)))
        {
            builder.Services.AddSingleton(typeof(ICollectionIndexes), declaration);
        }

        builder.Services.AddHostedService<MongoIndexInitializer>();
        foreach (var migration in slices.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMigration).IsAssignableFrom(t)))
        {
            builder.Services.AddSingleton(typeof(IMigration), migration);
        }

        builder.Services.AddSingleton(builder.Configuration.GetSection(MigrationSettings.Section).Get<MigrationSettings>() ?? new MigrationSettings());
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<MigrationStartup>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MigrationStartup>());
        builder.Services.AddHealthChecks().AddCheck<MongoReadinessCheck>("mongodb", tags: ["ready"]);
        return builder;
    }

    /// <summary>The driver's settings from the connection string, with the API's timeouts where the
    /// connection string does not set its own (a <c>serverSelectionTimeoutMS</c> or
    /// <c>connectTimeoutMS</c> given there wins).</summary>
    internal static MongoClientSettings ClientSettings(MongoSettings settings)
    {
        var given = new ConnectionString(settings.ConnectionString);
        var clientSettings = MongoClientSettings.FromConnectionString(settings.ConnectionString);
        if (given.ServerSelectionTimeout is null)
        {
            clientSettings.ServerSelectionTimeout = settings.ServerSelectionTimeout;
        }

        if (given.ConnectTimeout is null)
        {
            clientSettings.ConnectTimeout = settings.ConnectTimeout;
        }

        return clientSettings;
    }

    private static MongoSettings ResolveSettings(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var database = configuration[MongoSettings.DatabaseKey] is { Length: > 0 } name ? name : MongoSettings.DefaultDatabase;
        var slowMs = configuration.GetValue("Mongo:SlowCommandThresholdMs", 100.0);
        var serverSelectionTimeout = Duration(configuration, "Mongo:ServerSelectionTimeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        var connectTimeout = Duration(configuration, "Mongo:ConnectTimeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        var indexCheckInterval = Duration(configuration, "Mongo:IndexCheckInterval", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var uri = configuration[MongoSettings.UriKey];
        var embedded = false;
#if EMBEDDED_EMULATOR
        if (string.IsNullOrWhiteSpace(uri) && builder.Environment.IsDevelopment())
        {
            uri = EmbeddedEmulator.Start(builder);
            embedded = true;
        }
#endif

        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new StartupException($"{MongoSettings.UriKey} is not set: the API needs a real MongoDB (set {MongoSettings.UriKey}, e.g. mongodb://localhost:27017/?replicaSet=rs0); only a Debug build (dotnet run) in Development falls back to the embedded emulator.");
        }

        return new MongoSettings
        {
            ConnectionString = uri,
            DatabaseName = database,
            SlowCommandThreshold = TimeSpan.FromMilliseconds(slowMs),
            ServerSelectionTimeout = serverSelectionTimeout,
            ConnectTimeout = connectTimeout,
            IndexCheckInterval = indexCheckInterval,
            IsEmbeddedEmulator = embedded,
        };
    }

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback, TimeSpan least, TimeSpan most)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= least && value <= most
            ? value
            : throw new StartupException($"{key} must be a duration between {least:c} and {most:c} (hh:mm:ss), not \"{text}\".");
    }
}
