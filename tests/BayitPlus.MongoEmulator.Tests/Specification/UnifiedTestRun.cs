using System.Runtime.ExceptionServices;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Specification;

/// <summary>
/// One unified-format test: its entities, initial data, operations with their expected results or
/// errors, the command events its clients observed, and the collections' final contents. Each
/// client entity is a new MongoClient for this test alone, so its events are its own.
/// </summary>
internal sealed class UnifiedTestRun(BsonDocument file, BsonDocument test, IMongoClient internalClient, string connectionString)
{
    /// <summary>useMultipleMongoses has no effect outside sharded and load-balanced topologies.</summary>
    private static readonly HashSet<string> ClientOptions = ["id", "uriOptions", "observeEvents", "ignoreCommandMonitoringEvents", "observeSensitiveCommands", "useMultipleMongoses"];

    private readonly Dictionary<string, object> entities = [];
    private readonly Dictionary<string, BsonValue> savedResults = [];
    private readonly Dictionary<string, UnifiedEventRecorder> recorders = [];
    private readonly List<IMongoClient> clients = [];
    private readonly List<(IMongoClient Client, string Name)> failPoints = [];
    private int checks;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs the test; answers how many of its expectations (results, errors, events,
    /// outcomes) were checked.</summary>
    public async Task<int> RunAsync()
    {
        try
        {
            CreateEntities();
            await LoadInitialDataAsync();
            var operations = new UnifiedOperations(Entity, (client, name) => failPoints.Add((client, name)));
            var matcher = new UnifiedMatcher(savedResults);
            var index = 0;
            Exception? failure = null;
            try
            {
                foreach (var operation in test["operations"].AsBsonArray.Select(o => o.AsBsonDocument))
                {
                    var label = $"operation {index++} ({operation["name"]} on {operation["object"]})";
                    await RunOperationAsync(operations, matcher, operation, label);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            foreach (var recorder in recorders.Values)
            {
                recorder.Stop();
            }

            // A failed cleanup is reported beside the test's own failure, never in its place.
            var errors = await TurnOffFailPointsAsync();
            if (failure is not null)
            {
                errors.Insert(0, failure);
            }

            if (errors.Count == 1)
            {
                ExceptionDispatchInfo.Throw(errors[0]);
            }

            if (errors.Count > 1)
            {
                throw new AggregateException("the test failed, and so did turning its fail points off", errors);
            }

            CheckEvents(matcher);
            await CheckOutcomeAsync(matcher);
            return checks;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Turns off every fail point the test set, as the format requires (none outlives its
    /// test), even when turning off one of them fails; answers the failures.</summary>
    private async Task<List<Exception>> TurnOffFailPointsAsync()
    {
        var errors = new List<Exception>();
        foreach (var (client, name) in failPoints)
        {
            try
            {
                await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
                    new BsonDocument { { "configureFailPoint", name }, { "mode", "off" } }, cancellationToken: Ct);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        return errors;
    }

    private object Entity(string id) =>
        entities.TryGetValue(id, out var value) ? value : throw new UnifiedRunnerLimitation($"unknown entity '{id}'");

    private void CreateEntities()
    {
        foreach (var entry in file.GetValue("createEntities", new BsonArray()).AsBsonArray.Select(e => e.AsBsonDocument))
        {
            var kind = entry.GetElement(0).Name;
            var spec = entry[0].AsBsonDocument;
            var id = spec["id"].AsString;
            entities[id] = kind switch
            {
                "client" => CreateClient(spec),
                "database" => ((IMongoClient)Entity(spec["client"].AsString)).GetDatabase(spec["databaseName"].AsString, DatabaseSettings(spec)),
                "collection" => ((IMongoDatabase)Entity(spec["database"].AsString)).GetCollection<BsonDocument>(spec["collectionName"].AsString, CollectionSettings(spec)),
                _ => throw new UnifiedRunnerLimitation($"entities of kind {kind} are not supported by the runner"),
            };
        }
    }

    private IMongoClient CreateClient(BsonDocument spec)
    {
        var unknown = spec.Names.Where(n => !ClientOptions.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new UnifiedRunnerLimitation($"client options {string.Join(", ", unknown)} are not supported by the runner");
        }

        var uriOptions = spec.GetValue("uriOptions", new BsonDocument()).AsBsonDocument;
        var uri = string.Concat(uriOptions.Select(o => $"&{o.Name}={(o.Value.IsBoolean ? o.Value.AsBoolean.ToString().ToLowerInvariant() : o.Value.ToString())}"));
        var settings = MongoClientSettings.FromConnectionString(connectionString + uri);
        if (spec.Contains("observeEvents"))
        {
            var recorder = new UnifiedEventRecorder(spec);
            recorders.Add(spec["id"].AsString, recorder);
            settings.ClusterConfigurator = recorder.Subscribe;
        }

        var client = new MongoClient(settings);
        clients.Add(client);
        return client;
    }

    private static MongoDatabaseSettings DatabaseSettings(BsonDocument spec)
    {
        var settings = new MongoDatabaseSettings();
        if (spec.GetValue("databaseOptions", null) is BsonDocument options)
        {
            ApplyOptions(options, o => settings.ReadConcern = o, o => settings.WriteConcern = o, o => settings.ReadPreference = o);
        }

        return settings;
    }

    private static MongoCollectionSettings CollectionSettings(BsonDocument spec)
    {
        var settings = new MongoCollectionSettings();
        if (spec.GetValue("collectionOptions", null) is BsonDocument options)
        {
            ApplyOptions(options, o => settings.ReadConcern = o, o => settings.WriteConcern = o, o => settings.ReadPreference = o);
        }

        return settings;
    }

    private static void ApplyOptions(BsonDocument options, Action<ReadConcern> readConcern, Action<WriteConcern> writeConcern, Action<ReadPreference> readPreference)
    {
        foreach (var option in options)
        {
            switch (option.Name)
            {
                case "readConcern":
                    readConcern(ReadConcern.FromBsonDocument(option.Value.AsBsonDocument));
                    break;
                case "writeConcern":
                    var w = option.Value.AsBsonDocument;
                    writeConcern(w.GetValue("w", null) is { IsInt32: true } count ? new WriteConcern(count.AsInt32) : WriteConcern.FromBsonDocument(w));
                    break;
                case "readPreference":
                    var preference = option.Value.AsBsonDocument;
                    readPreference(new ReadPreference(
                        Enum.Parse<ReadPreferenceMode>(preference["mode"].AsString, ignoreCase: true),
                        maxStaleness: preference.GetValue("maxStalenessSeconds", null) is { } seconds ? TimeSpan.FromSeconds(seconds.ToDouble()) : null));
                    break;
                default:
                    throw new UnifiedRunnerLimitation($"the entity option {option.Name} is not supported by the runner");
            }
        }
    }

    private async Task LoadInitialDataAsync()
    {
        foreach (var data in file.GetValue("initialData", new BsonArray()).AsBsonArray.Select(d => d.AsBsonDocument))
        {
            var database = internalClient.GetDatabase(data["databaseName"].AsString, new MongoDatabaseSettings { WriteConcern = WriteConcern.WMajority });
            var name = data["collectionName"].AsString;
            await database.DropCollectionAsync(name, Ct);
            var createOptions = data.GetValue("createOptions", null) as BsonDocument;
            var documents = data["documents"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
            if (createOptions is not null || documents.Count == 0)
            {
                var command = new BsonDocument("create", name);
                if (createOptions is not null)
                {
                    command.AddRange(createOptions);
                }

                await database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);
            }

            if (documents.Count > 0)
            {
                await database.GetCollection<BsonDocument>(name).InsertManyAsync(documents, cancellationToken: Ct);
            }
        }
    }

    private async Task RunOperationAsync(UnifiedOperations operations, UnifiedMatcher matcher, BsonDocument operation, string label)
    {
        var known = new HashSet<string> { "name", "object", "arguments", "expectResult", "expectError", "saveResultAsEntity", "ignoreResultAndError" };
        var unknown = operation.Names.FirstOrDefault(n => !known.Contains(n));
        if (unknown is not null)
        {
            throw new UnifiedRunnerLimitation($"{label}: the operation field {unknown} is not supported by the runner");
        }

        var objectName = operation["object"].AsString;
        var target = objectName == "testRunner" ? internalClient : Entity(objectName);
        BsonValue? result;
        try
        {
            result = await operations.ExecuteAsync(operation["name"].AsString, target, operation.GetValue("arguments", new BsonDocument()).AsBsonDocument);
        }
        catch (Exception ex) when (ex is not UnifiedRunnerLimitation && operation.Contains("expectError"))
        {
            UnifiedErrors.Check(operation["expectError"].AsBsonDocument, ex, matcher, label);
            checks++;
            return;
        }
        catch (Exception ex) when (ex is not UnifiedRunnerLimitation && operation.GetValue("ignoreResultAndError", false).ToBoolean())
        {
            return;
        }

        if (operation.GetValue("expectError", null) is BsonDocument expectedError)
        {
            Assert.Fail($"{label}: expected an error {expectedError.ToJson()}, but it succeeded with {result?.ToJson() ?? "no result"}");
        }

        if (operation.GetValue("saveResultAsEntity", null) is BsonString saveAs && result is not null)
        {
            savedResults[saveAs.Value] = result;
        }

        if (operation.GetValue("expectResult", null) is { } expected)
        {
            var actual = result ?? BsonNull.Value;
            var failure = expected is BsonArray expectedArray
                ? matcher.MatchRootArray(expectedArray, actual)
                : matcher.Match(expected, actual, true);
            Assert.True(failure is null, $"{label}: result does not match: {failure}");
            checks++;
        }
    }

    private void CheckEvents(UnifiedMatcher matcher)
    {
        foreach (var expected in test.GetValue("expectEvents", new BsonArray()).AsBsonArray.Select(e => e.AsBsonDocument))
        {
            var client = expected["client"].AsString;
            var recorder = recorders.GetValueOrDefault(client)
                ?? throw new UnifiedRunnerLimitation($"expectEvents names {client}, which is not a client entity that observes events");
            if (UnifiedEventChecks.Check(expected, recorder.Events, matcher))
            {
                checks++;
            }
        }
    }

    private async Task CheckOutcomeAsync(UnifiedMatcher matcher)
    {
        foreach (var outcome in test.GetValue("outcome", new BsonArray()).AsBsonArray.Select(o => o.AsBsonDocument))
        {
            var collection = internalClient.GetDatabase(outcome["databaseName"].AsString)
                .GetCollection<BsonDocument>(outcome["collectionName"].AsString)
                .WithReadPreference(ReadPreference.Primary)
                .WithReadConcern(ReadConcern.Local);
            var actual = await collection.Find(FilterDefinition<BsonDocument>.Empty).Sort("{_id: 1}").ToListAsync(Ct);
            var failure = matcher.Match(outcome["documents"], new BsonArray(actual), false);
            Assert.True(failure is null, $"outcome of {outcome["collectionName"]}: {failure}");
            checks++;
        }
    }
}

/// <summary>The unified format's <c>expectError</c> checks against the driver's exceptions.</summary>
internal static class UnifiedErrors
{
    public static void Check(BsonDocument expected, Exception error, UnifiedMatcher matcher, string label)
    {
        // A client bulk write reports its top-level error inside the exception that carries the
        // partial result; the format's checks apply to that error.
        var topLevel = error is ClientBulkWriteException { InnerException: { } inner } ? inner : error;
        var server = topLevel as MongoServerException;
        var describe = $"{label}: {topLevel.GetType().Name}: {topLevel.Message}";
        foreach (var element in expected)
        {
            switch (element.Name)
            {
                case "isError":
                    break;
                case "isClientError":
                    // Network errors count as client errors in the unified format.
                    Assert.True(element.Value.ToBoolean() == (server is null),
                        $"{describe} (expected a {(element.Value.ToBoolean() ? "client" : "server")} error)");
                    break;
                case "errorCode":
                    Assert.True(Code(topLevel) == element.Value.ToInt32(), $"{describe} (expected error code {element.Value}, got {Code(topLevel)})");
                    break;
                case "errorCodeName":
                    Assert.True(CodeName(topLevel) == element.Value.AsString, $"{describe} (expected code name {element.Value}, got {CodeName(topLevel)})");
                    break;
                case "errorContains":
                    Assert.True(Messages(topLevel).Contains(element.Value.AsString, StringComparison.OrdinalIgnoreCase),
                        $"{describe} (expected the message to contain '{element.Value}')");
                    break;
                case "errorLabelsContain":
                    foreach (var errorLabel in element.Value.AsBsonArray)
                    {
                        Assert.True(topLevel is MongoException m && m.HasErrorLabel(errorLabel.AsString), $"{describe} (expected label {errorLabel})");
                    }

                    break;
                case "errorLabelsOmit":
                    foreach (var errorLabel in element.Value.AsBsonArray)
                    {
                        Assert.False(topLevel is MongoException m && m.HasErrorLabel(errorLabel.AsString), $"{describe} (unexpected label {errorLabel})");
                    }

                    break;
                case "errorResponse":
                    var response = topLevel is MongoCommandException command ? command.Result : null;
                    Assert.True(response is not null, $"{describe} (expected a server response)");
                    var responseFailure = matcher.Match(element.Value, response, true);
                    Assert.True(responseFailure is null, $"{describe}: errorResponse: {responseFailure}");
                    break;
                case "expectResult":
                    var partial = error switch
                    {
                        MongoBulkWriteException<BsonDocument> bulk => UnifiedOperations.BulkWriteResult(bulk.Result, bulk.Result.ProcessedRequests),
                        ClientBulkWriteException { PartialResult: { } result } => UnifiedOperations.ClientBulkWriteResult(result),
                        ClientBulkWriteException => null,
                        _ => throw new UnifiedRunnerLimitation($"{label}: partial results of {error.GetType().Name} are not supported by the runner"),
                    };
                    var resultFailure = partial is null
                        ? (element.Value is BsonDocument { ElementCount: 1 } unset && unset.GetElement(0).Name == "$$unsetOrMatches" ? null : "no partial result")
                        : matcher.Match(element.Value, partial, true);
                    Assert.True(resultFailure is null, $"{describe}: partial result: {resultFailure}");
                    break;
                case "writeErrors":
                    var writeErrors = (error as ClientBulkWriteException)?.WriteErrors ?? new Dictionary<int, WriteError>();
                    var actualErrors = new BsonDocument(writeErrors.Select(e => new BsonElement(
                        e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        new BsonDocument { { "code", e.Value.Code }, { "message", e.Value.Message }, { "details", (BsonValue?)e.Value.Details ?? BsonNull.Value } })));
                    Assert.True(actualErrors.ElementCount == element.Value.AsBsonDocument.ElementCount, $"{describe}: write errors {actualErrors.ToJson()}, expected {element.Value.ToJson()}");
                    foreach (var expectedError in element.Value.AsBsonDocument)
                    {
                        var writeErrorFailure = matcher.Match(expectedError.Value, actualErrors.GetValue(expectedError.Name, null), true);
                        Assert.True(writeErrorFailure is null, $"{describe}: write error {expectedError.Name}: {writeErrorFailure}");
                    }

                    break;
                case "writeConcernErrors":
                    var concernErrors = (error as ClientBulkWriteException)?.WriteConcernErrors ?? [];
                    var expectedConcern = element.Value.AsBsonArray;
                    Assert.True(concernErrors.Count == expectedConcern.Count, $"{describe}: {concernErrors.Count} write concern errors, expected {expectedConcern.ToJson()}");
                    for (var i = 0; i < expectedConcern.Count; i++)
                    {
                        // The error's own code and message are in the reply's writeConcernError.
                        var reported = concernErrors[i].Result?.GetValue("writeConcernError", null) as BsonDocument ?? [];
                        var actualConcern = new BsonDocument
                        {
                            { "code", reported.GetValue("code", concernErrors[i].Code) },
                            { "message", reported.GetValue("errmsg", concernErrors[i].Message) },
                        };
                        var concernFailure = matcher.Match(expectedConcern[i], actualConcern, true);
                        Assert.True(concernFailure is null, $"{describe}: write concern error {i}: {concernFailure}");
                    }

                    break;
                default:
                    throw new UnifiedRunnerLimitation($"{label}: expectError.{element.Name} is not supported by the runner");
            }
        }
    }

    private static int? Code(Exception error) => error switch
    {
        MongoCommandException command => command.Code,
        MongoWriteException write => write.WriteError?.Code ?? write.WriteConcernError?.Code,
        MongoBulkWriteException bulk => bulk.WriteErrors.Count > 0 ? bulk.WriteErrors[0].Code : bulk.WriteConcernError?.Code,
        _ => null,
    };

    private static string? CodeName(Exception error) => error switch
    {
        MongoCommandException command => command.CodeName,
        MongoWriteException write => write.WriteConcernError?.CodeName,
        MongoBulkWriteException bulk => bulk.WriteConcernError?.CodeName,
        _ => null,
    };

    private static string Messages(Exception error) => error switch
    {
        MongoWriteException write => $"{write.Message} {write.WriteError?.Message} {write.WriteConcernError?.Message}",
        MongoBulkWriteException bulk => $"{bulk.Message} {string.Join(" ", bulk.WriteErrors.Select(e => e.Message))} {bulk.WriteConcernError?.Message}",
        _ => error.Message,
    };
}
