using System.Reflection;
using BayitPlus.Api.Infrastructure.Mongo.Migrations;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Mongo;

public static class MongoSetup
{
    /// <summary>Registers the database: settings from <c>MONGODB_URI</c>/<c>MONGODB_DATABASE</c> (in
    /// a Debug build, the embedded emulator when no URI is set in Development), one client and context, command metrics, every
    /// slice's index declarations and the start-up initializer, every <see cref="IMigration"/> and
    /// the runner that applies the pending ones once the indexes exist.</summary>
    public static WebApplicationBuilder AddMongo(this WebApplicationBuilder builder, Assembly slices)
    {
        MongoConventions.Register();
        var settings = ResolveSettings(builder);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<MongoCommandMetrics>();
        builder.Services.AddSingleton<IMongoClient>(services =>
        {
            var clientSettings = MongoClientSettings.FromConnectionString(settings.ConnectionString);
            var metrics = services.GetRequiredService<MongoCommandMetrics>();
            clientSettings.ClusterConfigurator = metrics.Subscribe;
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

    private static MongoSettings ResolveSettings(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var database = configuration[MongoSettings.DatabaseKey] is { Length: > 0 } name ? name : MongoSettings.DefaultDatabase;
        var slowMs = configuration.GetValue("Mongo:SlowCommandThresholdMs", 100.0);
        var uri = configuration[MongoSettings.UriKey];
        if (!string.IsNullOrWhiteSpace(uri))
        {
            return new MongoSettings { ConnectionString = uri, DatabaseName = database, SlowCommandThreshold = TimeSpan.FromMilliseconds(slowMs) };
        }

#if EMBEDDED_EMULATOR
        if (builder.Environment.IsDevelopment())
        {
            return new MongoSettings
            {
                ConnectionString = EmbeddedEmulator.Start(builder),
                DatabaseName = database,
                SlowCommandThreshold = TimeSpan.FromMilliseconds(slowMs),
                IsEmbeddedEmulator = true,
            };
        }
#endif

        throw new StartupException($"{MongoSettings.UriKey} is not set: the API needs a real MongoDB (set {MongoSettings.UriKey}, e.g. mongodb://localhost:27017/?replicaSet=rs0); only a Debug build (dotnet run) in Development falls back to the embedded emulator.");
    }
}
