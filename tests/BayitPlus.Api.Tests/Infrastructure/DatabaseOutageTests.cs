using System.Diagnostics;
using System.Net;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using BayitPlus.MongoEmulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The database goes away and comes back empty, as a restarted emulator, a new primary or
/// a restored backup: the API answers 503 quickly while it is gone, and once it is back it recreates
/// the indexes without a restart (readiness reports 503 until they exist).</summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.OutageApiFactory api) : IClassFixture<DatabaseOutageTests.OutageApiFactory>
{
    /// <summary>A host on a standalone emulator of its own, on a fixed port, that the test stops and
    /// starts again. The timeouts are the API's defaults: the test checks them. The periodic index
    /// check is pushed out of the test's reach, so only the check on reconnection can bring the
    /// indexes back in time.</summary>
    public sealed class OutageApiFactory : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Mongo:IndexCheckInterval"] = "01:00:00",
        };

        private MongoEmulatorServer? _emulator;
        private int _port;

        public async Task StopDatabaseAsync()
        {
            await (_emulator ?? throw new InvalidOperationException("The emulator is not running.")).DisposeAsync();
            _emulator = null;
        }

        /// <summary>A new emulator, with no data, where the old one listened.</summary>
        public async Task StartDatabaseAsync() => _emulator = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { Port = _port });

        /// <summary>The emulator's own client, so the test's checks never share the API's connections.</summary>
        public IMongoDatabase EmulatorDatabase => new MongoClient(_emulator!.ConnectionString).GetDatabase(DatabaseName);

        /// <summary>A port below the kernel's ephemeral range (32768 and up): a free port another
        /// test or process is handed while this emulator is stopped always comes from that range,
        /// so the restart finds its port still free.</summary>
        protected override async Task BeforeHostStartsAsync(IMongoDatabase database)
        {
            for (var attempt = 0; _emulator is null; attempt++)
            {
                try
                {
                    _port = Random.Shared.Next(20_000, 32_000);
                    _emulator = await MongoEmulatorServer.StartAsync(new MongoEmulatorOptions { Port = _port });
                }
                catch (System.Net.Sockets.SocketException) when (attempt < 20)
                {
                    // Taken by something else: try another.
                }
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(MongoSettings.UriKey, $"mongodb://127.0.0.1:{_port}/?replicaSet=rs0");
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (_emulator is not null)
            {
                await _emulator.DisposeAsync();
            }
        }
    }

    [Fact]
    public void A_server_selection_timeout_in_the_connection_string_wins_over_the_default()
    {
        static MongoClientSettings For(string uri) => MongoSetup.ClientSettings(new MongoSettings { ConnectionString = uri, DatabaseName = "x" });

        var configured = api.Services.GetRequiredService<IMongoClient>().Settings;
        var given = For("mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=12000&connectTimeoutMS=7000");
        var defaulted = For("mongodb://127.0.0.1:27017/?replicaSet=rs0");

        Assert.Equal(TimeSpan.FromSeconds(5), configured.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(12), given.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), given.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), defaulted.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), defaulted.ConnectTimeout);
    }

    [Fact]
    public async Task During_an_outage_the_api_answers_503_quickly_and_after_a_restart_it_recreates_the_indexes()
    {
        var client = api.CreateClient();
        await client.RegisterAsync();
        var cached = await client.GetAsync("/api/live/channels", Http.Ct);
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);

        // Requests in flight when the database goes: each answers its result or a 503, never a 500.
        var inFlight = Enumerable.Range(0, 20).Select(i => client.GetAsync($"/api/search?q=outage{i}", Http.Ct)).ToList();
        await api.StopDatabaseAsync();
        foreach (var response in await Task.WhenAll(inFlight))
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"in flight: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Http.Ct)}");
        }

        var watch = Stopwatch.StartNew();
        var down = await client.PostJsonAsync("/api/auth/register", new { email = TestUsers.NewEmail("down"), name = "Down", password = TestUsers.Password });
        var answeredIn = watch.Elapsed;
        await down.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(answeredIn < TimeSpan.FromSeconds(7), $"a request during the outage took {answeredIn.TotalSeconds:F1} s");
        Assert.NotNull(down.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready", Http.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Http.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/live/channels", Http.Ct)).StatusCode);

        await api.StartDatabaseAsync();
        await WaitUntilReadyAsync(client);

        var search = await client.GetAsync("/api/search?q=x", Http.Ct);
        Assert.True(search.StatusCode == HttpStatusCode.OK, $"search after the restart: {(int)search.StatusCode} {await search.Content.ReadAsStringAsync(Http.Ct)}");
        var email = TestUsers.NewEmail("twice");
        var registrations = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            client.PostJsonAsync("/api/auth/register", new { email, name = "Racer", password = TestUsers.Password })));
        var statuses = registrations.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.Conflict));
        var userIndexes = await (await api.EmulatorDatabase.GetCollection<BsonDocument>("user").Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);
        Assert.Contains(userIndexes, i => i["name"] == "email_1" && i["unique"].ToBoolean());
    }

    [Fact]
    public async Task An_index_found_missing_is_recreated_and_one_the_database_refuses_keeps_readiness_503_until_the_data_is_fixed()
    {
        var client = api.CreateClient();
        await WaitUntilReadyAsync(client);
        var database = api.EmulatorDatabase;
        var users = database.GetCollection<BsonDocument>("user");
        var content = database.GetCollection<BsonDocument>("content");
        var textIndex = (await (await content.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct)).Single(i => i["key"].AsBsonDocument.Contains("_fts"))["name"].AsString;
        await content.Indexes.DropOneAsync(textIndex, Http.Ct);
        await users.Indexes.DropOneAsync("email_1", Http.Ct);
        var email = TestUsers.NewEmail("duplicate");
        await users.InsertManyAsync([new BsonDocument("email", email), new BsonDocument("email", email)], cancellationToken: Http.Ct);

        // The search's IndexNotFound is what sets off the check: this host's periodic one is an hour away.
        await (await client.GetAsync("/api/search?q=x", Http.Ct)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        var waited = Stopwatch.StartNew();
        while ((await client.GetAsync("/api/search?q=x", Http.Ct)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the text index was never recreated");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Http.Ct);
        }

        var refused = await client.GetAsync("/health/ready", Http.Ct);
        await users.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("email", email), Http.Ct);
        await WaitUntilReadyAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var userIndexes = await (await users.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);
        Assert.Contains(userIndexes, i => i["name"] == "email_1" && i["unique"].ToBoolean());
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var waited = Stopwatch.StartNew();
        while ((await client.GetAsync("/health/ready", Http.Ct)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "readiness never came back after the database restarted");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Http.Ct);
        }
    }
}
