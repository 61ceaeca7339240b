using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>The <c>failCommand</c> fail point, which drivers' and our own error-path tests use. On a
/// real server it exists only with test commands enabled; there the tests are skipped. Every fail
/// point names this class's client (<c>appName</c>), so tests running alongside are never hit.</summary>
public sealed class FailPointTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture), IAsyncLifetime
{
    private IMongoClient client = null!;

    public ValueTask InitializeAsync()
    {
        // A client of its own, without retries, so a failure the fail point injects reaches the test.
        client = Backend.CreateClient(nameof(FailPointTests), s =>
        {
            s.RetryReads = false;
            s.RetryWrites = false;
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await ConfigureAsync(Doc("{configureFailPoint: 'failCommand', mode: 'off'}"));
        client.Dispose();
    }

    private Task<BsonDocument> ConfigureAsync(BsonDocument command) =>
        client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);

    private async Task EnableAsync(string mode, string data)
    {
        try
        {
            var command = Doc($"{{configureFailPoint: 'failCommand', mode: {mode}, data: {data}}}");
            command["data"]["appName"] = nameof(FailPointTests);
            await ConfigureAsync(command);
        }
        catch (MongoCommandException e) when (e.Code == 59)
        {
            Assert.Skip("this server does not run test commands (enableTestCommands)");
        }
    }

    private IMongoCollection<BsonDocument> Collection(string name) =>
        client.GetDatabase(Database.DatabaseNamespace.DatabaseName).GetCollection<BsonDocument>(Fixture.NewCollectionName(name));

    /// <summary>The checks of the server's fail point parser: its codes, never a parse failure of another kind.</summary>
    [Theory]
    [InlineData("{times: 'x'}", "{failCommands: ['ping']}", 14)]
    [InlineData("{times: 1.5}", "{failCommands: ['ping']}", 2)]
    [InlineData("{skip: -1}", "{failCommands: ['ping']}", 2)]
    [InlineData("{sometimes: 1}", "{failCommands: ['ping']}", 2)]
    [InlineData("5", "{failCommands: ['ping']}", 14)]
    [InlineData("'sometimes'", "{failCommands: ['ping']}", 2)]
    [InlineData("'alwaysOn'", "5", 14)]
    public async Task A_wrongly_typed_mode_or_data_is_refused_with_the_servers_codes(string mode, string data, int code)
    {
        var command = Doc($"{{configureFailPoint: 'failCommand', mode: {mode}, data: {data}}}");
        if (command["data"] is BsonDocument named)
        {
            named["appName"] = nameof(FailPointTests);
        }

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => ConfigureAsync(command));

        Assert.SkipWhen(error.Code == 59, "this server does not run test commands (enableTestCommands)");
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task The_named_command_fails_the_given_number_of_times_with_the_given_error()
    {
        var collection = Collection(nameof(The_named_command_fails_the_given_number_of_times_with_the_given_error));
        await EnableAsync("{times: 1}", "{failCommands: ['insert'], errorCode: 8, errorLabels: ['Custom']}");

        var failed = await Assert.ThrowsAsync<MongoCommandException>(() => collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct));
        await collection.InsertOneAsync(Doc("{_id: 2}"), cancellationToken: Ct);

        Assert.Equal(8, failed.Code);
        Assert.Equal(8, failed.Result["code"].ToInt32());
        Assert.True(failed.HasErrorLabel("Custom"));
        Assert.Equal(1, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task Close_connection_surfaces_as_a_network_error_and_mode_off_disarms_it()
    {
        var collection = Collection(nameof(Close_connection_surfaces_as_a_network_error_and_mode_off_disarms_it));
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        await EnableAsync("{times: 1}", "{failCommands: ['count'], closeConnection: true}");

        await Assert.ThrowsAnyAsync<MongoConnectionException>(() => collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
        await EnableAsync("'alwaysOn'", "{failCommands: ['count'], errorCode: 8}");
        await ConfigureAsync(Doc("{configureFailPoint: 'failCommand', mode: 'off'}"));

        Assert.Equal(1, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Other_clients_are_not_affected()
    {
        var name = Fixture.NewCollectionName(nameof(Other_clients_are_not_affected));
        await EnableAsync("'alwaysOn'", "{failCommands: ['find'], errorCode: 8}");

        var other = await Database.GetCollection<BsonDocument>(name).Find("{}").ToListAsync(Ct);
        var mine = await Assert.ThrowsAsync<MongoCommandException>(() => client.GetDatabase(Database.DatabaseNamespace.DatabaseName).GetCollection<BsonDocument>(name).Find("{}").ToListAsync(Ct));

        Assert.Empty(other);
        Assert.Equal(8, mine.Code);
    }

    [Fact]
    public async Task Write_concern_errors_are_added_to_a_successful_write()
    {
        var collection = Collection(nameof(Write_concern_errors_are_added_to_a_successful_write));
        await EnableAsync("{times: 1}", "{failCommands: ['insert'], writeConcernError: {code: 91, errmsg: 'Replication is being shut down'}}");

        var error = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct));

        Assert.Null(error.WriteError);
        Assert.Equal(91, error.WriteConcernError.Code);
        Assert.Equal(1, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task Skip_defers_the_failure_and_configureFailPoint_never_fails_even_when_listed()
    {
        var collection = Collection(nameof(Skip_defers_the_failure_and_configureFailPoint_never_fails_even_when_listed));
        await EnableAsync("{skip: 1}", "{failCommands: ['find', 'configureFailPoint'], errorCode: 8}");

        var first = await collection.Find("{}").ToListAsync(Ct);
        var second = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find("{}").ToListAsync(Ct));
        var third = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find("{}").ToListAsync(Ct));
        await ConfigureAsync(Doc("{configureFailPoint: 'failCommand', mode: 'off'}"));

        Assert.Empty(first);
        Assert.Equal([8, 8], [second.Code, third.Code]);
        Assert.Empty(await collection.Find("{}").ToListAsync(Ct));
    }

    [Fact]
    public async Task A_command_the_fail_point_fails_still_registers_its_session()
    {
        var collection = Collection(nameof(A_command_the_fail_point_fails_still_registers_its_session));
        using var session = await client.StartSessionAsync(cancellationToken: Ct);
        await EnableAsync("{times: 1}", "{failCommands: ['find'], errorCode: 8}");

        await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find(session, "{}").ToListAsync(Ct));
        var listed = await (await client.GetDatabase("admin").AggregateAsync<BsonDocument>(
            new BsonDocument[] { Doc("{$listLocalSessions: {}}") }, cancellationToken: Ct)).ToListAsync(Ct);

        Assert.Contains(session.ServerSession.Id["id"], listed.Select(s => s["_id"]["id"]));
    }

    [Fact]
    public async Task Block_connection_holds_the_command_then_runs_it_and_needs_blockTimeMS()
    {
        var collection = Collection(nameof(Block_connection_holds_the_command_then_runs_it_and_needs_blockTimeMS));
        await EnableAsync("{times: 1}", "{failCommands: ['insert'], blockConnection: true, blockTimeMS: 300}");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);
        var held = clock.Elapsed;
        await EnableAsync("{times: 1}", "{failCommands: ['insert'], blockConnection: true}");
        var invalid = await Assert.ThrowsAsync<MongoCommandException>(() => collection.InsertOneAsync(Doc("{_id: 2}"), cancellationToken: Ct));

        Assert.True(held >= TimeSpan.FromMilliseconds(290), $"the insert took {held.TotalMilliseconds} ms");
        Assert.Equal(72, invalid.Code);
        Assert.Equal(1, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }
}
