using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Specification;

/// <summary>
/// The unified format's CRUD operations, each performed through the official driver's public API
/// (not as raw commands), so the driver's own validation and result handling are part of the test.
/// Every argument is consumed explicitly: an argument the runner does not know fails the test as a
/// runner limitation instead of being ignored. Each fail point it sets is reported to
/// <paramref name="failPointSet"/>, which turns it off after the test.
/// </summary>
internal sealed class UnifiedOperations(Func<string, object> entity, Action<IMongoClient, string> failPointSet)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<BsonValue?> ExecuteAsync(string name, object target, BsonDocument arguments)
    {
        var args = new Arguments(arguments, name);
        var result = target switch
        {
            IMongoCollection<BsonDocument> collection => await CollectionOperationAsync(name, collection, args),
            IMongoDatabase database => await DatabaseOperationAsync(name, database, args),
            IMongoClient client => await ClientOperationAsync(name, client, args),
            _ => throw new UnifiedRunnerLimitation($"operation {name} on {target.GetType().Name} is not supported by the runner"),
        };
        args.EnsureAllConsumed();
        return result;
    }

    private async Task<BsonValue?> CollectionOperationAsync(string name, IMongoCollection<BsonDocument> collection, Arguments args)
    {
        switch (name)
        {
            case "find":
            case "findOne":
            {
                var options = new FindOptions<BsonDocument>
                {
                    Sort = args.Sort(),
                    Projection = args.Optional("projection") is BsonDocument p ? new BsonDocumentProjectionDefinition<BsonDocument, BsonDocument>(p) : null,
                    Skip = args.Int("skip"),
                    // A negative limit is the driver's way of asking for one batch: findOne sends
                    // limit 1 with singleBatch, as the CRUD specification requires.
                    Limit = name == "findOne" ? -1 : args.Int("limit"),
                    BatchSize = args.Int("batchSize"),
                    Collation = args.Collation(),
                    Hint = args.Optional("hint"),
                    Let = args.Document("let"),
                    Comment = args.Optional("comment"),
                    AllowDiskUse = args.Bool("allowDiskUse"),
                    MaxTime = args.MaxTime(),
                };
                using var cursor = await collection.FindAsync(args.Filter(), options, Ct);
                var found = await cursor.ToListAsync(Ct);
                return name == "findOne" ? (found.Count > 0 ? found[0] : BsonNull.Value) : new BsonArray(found);
            }

            case "aggregate":
                return await AggregateAsync(args, stages => collection.AggregateToCollectionAsync<BsonDocument>(stages, AggregateOptions(args), Ct),
                    (stages, options) => collection.AggregateAsync<BsonDocument>(stages, options, Ct));

            case "countDocuments":
                return await collection.CountDocumentsAsync(args.Filter(), new CountOptions
                {
                    Skip = args.Long("skip"),
                    Limit = args.Long("limit"),
                    Collation = args.Collation(),
                    Hint = args.Optional("hint"),
                    Comment = args.Optional("comment"),
                    MaxTime = args.MaxTime(),
                }, Ct);

            case "count":
                return await CountCommandAsync(collection, args);

            case "estimatedDocumentCount":
                return await collection.EstimatedDocumentCountAsync(new EstimatedDocumentCountOptions
                {
                    Comment = args.Optional("comment"),
                    MaxTime = args.MaxTime(),
                }, Ct);

            case "distinct":
            {
                var field = args.Required("fieldName").AsString;
                using var cursor = await collection.DistinctAsync<BsonValue>(field, args.Filter(), new DistinctOptions
                {
                    Collation = args.Collation(),
                    Comment = args.Optional("comment"),
                    MaxTime = args.MaxTime(),
                }, Ct);
                return new BsonArray(await cursor.ToListAsync(Ct));
            }

            case "insertOne":
            {
                var document = args.Required("document").AsBsonDocument;
                await collection.InsertOneAsync(document, new InsertOneOptions
                {
                    BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                    Comment = args.Optional("comment"),
                }, Ct);
                return Acknowledged(collection) ? new BsonDocument("insertedId", document["_id"]) : Unacknowledged();
            }

            case "insertMany":
            {
                var documents = args.Required("documents").AsBsonArray.Select(d => d.AsBsonDocument).ToList();
                await collection.InsertManyAsync(documents, new InsertManyOptions
                {
                    IsOrdered = args.Bool("ordered") ?? true,
                    BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                    Comment = args.Optional("comment"),
                }, Ct);
                var ids = new BsonDocument();
                for (var i = 0; i < documents.Count; i++)
                {
                    ids.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), documents[i]["_id"]);
                }

                return Acknowledged(collection) ? new BsonDocument("insertedIds", ids) : Unacknowledged();
            }

            case "updateOne":
            case "updateMany":
            case "replaceOne":
            {
                var filter = args.Filter();
                return name switch
                {
                    "updateOne" => UpdateResult(await collection.UpdateOneAsync(filter, args.Update("update"), new UpdateOptions<BsonDocument>
                    {
                        ArrayFilters = args.ArrayFilters(),
                        BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                        Collation = args.Collation(),
                        Hint = args.Optional("hint"),
                        IsUpsert = args.Bool("upsert") ?? false,
                        Let = args.Document("let"),
                        Comment = args.Optional("comment"),
                        Sort = args.Sort(),
                    }, Ct)),
                    "updateMany" => UpdateResult(await collection.UpdateManyAsync(filter, args.Update("update"), new UpdateOptions
                    {
                        ArrayFilters = args.ArrayFilters(),
                        BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                        Collation = args.Collation(),
                        Hint = args.Optional("hint"),
                        IsUpsert = args.Bool("upsert") ?? false,
                        Let = args.Document("let"),
                        Comment = args.Optional("comment"),
                    }, Ct)),
                    _ => ReplaceResult(await collection.ReplaceOneAsync(filter, args.Required("replacement").AsBsonDocument, new ReplaceOptions<BsonDocument>
                    {
                        BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                        Collation = args.Collation(),
                        Hint = args.Optional("hint"),
                        IsUpsert = args.Bool("upsert") ?? false,
                        Let = args.Document("let"),
                        Comment = args.Optional("comment"),
                        Sort = args.Sort(),
                    }, Ct)),
                };
            }

            case "deleteOne":
            case "deleteMany":
            {
                var options = new DeleteOptions
                {
                    Collation = args.Collation(),
                    Hint = args.Optional("hint"),
                    Let = args.Document("let"),
                    Comment = args.Optional("comment"),
                };
                var result = name == "deleteOne"
                    ? await collection.DeleteOneAsync(args.Filter(), options, Ct)
                    : await collection.DeleteManyAsync(args.Filter(), options, Ct);
                return result.IsAcknowledged ? new BsonDocument("deletedCount", result.DeletedCount) : Unacknowledged();
            }

            case "findOneAndUpdate":
                return Unset(collection, await collection.FindOneAndUpdateAsync(args.Filter(), args.Update("update"), new FindOneAndUpdateOptions<BsonDocument>
                {
                    ArrayFilters = args.ArrayFilters(),
                    BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                    Collation = args.Collation(),
                    Hint = args.Optional("hint"),
                    IsUpsert = args.Bool("upsert") ?? false,
                    Let = args.Document("let"),
                    Comment = args.Optional("comment"),
                    Sort = args.Sort(),
                    Projection = args.Projection(),
                    ReturnDocument = args.ReturnDocument(),
                    MaxTime = args.MaxTime(),
                }, Ct));

            case "findOneAndReplace":
                return Unset(collection, await collection.FindOneAndReplaceAsync(args.Filter(), args.Required("replacement").AsBsonDocument, new FindOneAndReplaceOptions<BsonDocument>
                {
                    BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
                    Collation = args.Collation(),
                    Hint = args.Optional("hint"),
                    IsUpsert = args.Bool("upsert") ?? false,
                    Let = args.Document("let"),
                    Comment = args.Optional("comment"),
                    Sort = args.Sort(),
                    Projection = args.Projection(),
                    ReturnDocument = args.ReturnDocument(),
                    MaxTime = args.MaxTime(),
                }, Ct));

            case "findOneAndDelete":
                return Unset(collection, await collection.FindOneAndDeleteAsync(args.Filter(), new FindOneAndDeleteOptions<BsonDocument>
                {
                    Collation = args.Collation(),
                    Hint = args.Optional("hint"),
                    Let = args.Document("let"),
                    Comment = args.Optional("comment"),
                    Sort = args.Sort(),
                    Projection = args.Projection(),
                    MaxTime = args.MaxTime(),
                }, Ct));

            case "bulkWrite":
                return await BulkWriteAsync(collection, args);

            case "createIndex":
            {
                var options = new CreateIndexOptions
                {
                    Unique = args.Bool("unique"),
                    Name = args.Optional("name")?.AsString,
                };
                return await collection.Indexes.CreateOneAsync(
                    new CreateIndexModel<BsonDocument>(args.Required("keys").AsBsonDocument, options), cancellationToken: Ct);
            }

            case "listIndexes":
            {
                using var cursor = await collection.Indexes.ListAsync(Ct);
                return new BsonArray(await cursor.ToListAsync(Ct));
            }

            default:
                throw new UnifiedRunnerLimitation($"the collection operation {name} is not supported by the runner");
        }
    }

    private async Task<BsonValue?> DatabaseOperationAsync(string name, IMongoDatabase database, Arguments args)
    {
        switch (name)
        {
            case "aggregate":
                return await AggregateAsync(args, stages => database.AggregateToCollectionAsync<BsonDocument>(stages, AggregateOptions(args), Ct),
                    (stages, options) => database.AggregateAsync<BsonDocument>(stages, options, Ct));

            case "createCollection":
            {
                var collectionName = args.Required("collection").AsString;
                if (args.Optional("viewOn") is { } viewOn)
                {
                    var pipeline = args.Optional("pipeline")?.AsBsonArray.Select(s => s.AsBsonDocument) ?? [];
                    await database.CreateViewAsync(collectionName, viewOn.AsString, PipelineDefinition<BsonDocument, BsonDocument>.Create(pipeline), cancellationToken: Ct);
                }
                else
                {
                    await database.CreateCollectionAsync(collectionName, cancellationToken: Ct);
                }

                return null;
            }

            case "dropCollection":
                await database.DropCollectionAsync(args.Required("collection").AsString, Ct);
                return null;

            case "modifyCollection":
            {
                var command = new BsonDocument("collMod", args.Required("collection"));
                if (args.Optional("validator") is { } validator)
                {
                    command.Add("validator", validator);
                }

                await database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);
                return null;
            }

            case "runCommand":
                return await database.RunCommandAsync<BsonDocument>(args.Required("command").AsBsonDocument, cancellationToken: Ct);

            default:
                throw new UnifiedRunnerLimitation($"the database operation {name} is not supported by the runner");
        }
    }

    private async Task<BsonValue?> ClientOperationAsync(string name, IMongoClient client, Arguments args)
    {
        switch (name)
        {
            case "failPoint":
            {
                var failPointClient = (IMongoClient)entity(args.Required("client").AsString);
                var failPoint = args.Required("failPoint").AsBsonDocument;
                await failPointClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(failPoint, cancellationToken: Ct);
                failPointSet(failPointClient, failPoint[0].AsString);
                return null;
            }

            case "clientBulkWrite":
                return await ClientBulkWriteAsync(client, args);

            default:
                throw new UnifiedRunnerLimitation($"the client operation {name} is not supported by the runner");
        }
    }

    private static async Task<BsonValue> AggregateAsync(
        Arguments args,
        Func<BsonDocument[], Task> toCollection,
        Func<BsonDocument[], AggregateOptions, Task<IAsyncCursor<BsonDocument>>> toCursor)
    {
        var stages = args.Required("pipeline").AsBsonArray.Select(s => s.AsBsonDocument).ToArray();
        if (stages.Length > 0 && stages[^1].GetElement(0).Name is "$out" or "$merge")
        {
            await toCollection(stages);
            return new BsonArray();
        }

        using var cursor = await toCursor(stages, AggregateOptions(args));
        return new BsonArray(await cursor.ToListAsync(Ct));
    }

    private static AggregateOptions AggregateOptions(Arguments args) => new()
    {
        AllowDiskUse = args.Bool("allowDiskUse"),
        BatchSize = args.Int("batchSize"),
        BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
        Collation = args.Collation(),
        Comment = args.Optional("comment"),
        Hint = args.Optional("hint"),
        Let = args.Document("let"),
        MaxTime = args.MaxTime(),
    };

    private static async Task<BsonValue> CountCommandAsync(IMongoCollection<BsonDocument> collection, Arguments args)
    {
        // The driver's 3.x API no longer offers the deprecated count helper, so the command is sent as is.
        var command = new BsonDocument { { "count", collection.CollectionNamespace.CollectionName }, { "query", args.Optional("filter") ?? new BsonDocument() } };
        foreach (var option in new[] { "skip", "limit", "collation", "hint", "comment" })
        {
            if (args.Optional(option) is { } value)
            {
                command.Add(option, value);
            }
        }

        var reply = await collection.Database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);
        return reply["n"].ToInt64();
    }

    private static async Task<BsonValue> BulkWriteAsync(IMongoCollection<BsonDocument> collection, Arguments args)
    {
        var models = new List<WriteModel<BsonDocument>>();
        foreach (var request in args.Required("requests").AsBsonArray.Select(r => r.AsBsonDocument))
        {
            var kind = request.GetElement(0).Name;
            var model = new Arguments(request[0].AsBsonDocument, kind);
            models.Add(kind switch
            {
                "insertOne" => new InsertOneModel<BsonDocument>(model.Required("document").AsBsonDocument),
                "updateOne" => new UpdateOneModel<BsonDocument>(model.Filter(), model.Update("update"))
                {
                    ArrayFilters = model.ArrayFilters(),
                    Collation = model.Collation(),
                    Hint = model.Optional("hint"),
                    IsUpsert = model.Bool("upsert") ?? false,
                    Sort = model.Sort(),
                },
                "updateMany" => new UpdateManyModel<BsonDocument>(model.Filter(), model.Update("update"))
                {
                    ArrayFilters = model.ArrayFilters(),
                    Collation = model.Collation(),
                    Hint = model.Optional("hint"),
                    IsUpsert = model.Bool("upsert") ?? false,
                },
                "replaceOne" => new ReplaceOneModel<BsonDocument>(model.Filter(), model.Required("replacement").AsBsonDocument)
                {
                    Collation = model.Collation(),
                    Hint = model.Optional("hint"),
                    IsUpsert = model.Bool("upsert") ?? false,
                    Sort = model.Sort(),
                },
                "deleteOne" => new DeleteOneModel<BsonDocument>(model.Filter())
                {
                    Collation = model.Collation(),
                    Hint = model.Optional("hint"),
                },
                "deleteMany" => new DeleteManyModel<BsonDocument>(model.Filter())
                {
                    Collation = model.Collation(),
                    Hint = model.Optional("hint"),
                },
                _ => throw new UnifiedRunnerLimitation($"the bulkWrite request {kind} is not supported by the runner"),
            });
            model.EnsureAllConsumed();
        }

        var result = await collection.BulkWriteAsync(models, new BulkWriteOptions
        {
            IsOrdered = args.Bool("ordered") ?? true,
            BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
            Let = args.Document("let"),
            Comment = args.Optional("comment"),
        }, Ct);
        return BulkWriteResult(result, models);
    }

    private static async Task<BsonValue> ClientBulkWriteAsync(IMongoClient client, Arguments args)
    {
        var models = new List<BulkWriteModel>();
        foreach (var entry in args.Required("models").AsBsonArray.Select(m => m.AsBsonDocument))
        {
            var kind = entry.GetElement(0).Name;
            var model = new Arguments(entry[0].AsBsonDocument, kind);
            var ns = CollectionNamespace.FromFullName(model.Required("namespace").AsString);
            models.Add(kind switch
            {
                "insertOne" => new BulkWriteInsertOneModel<BsonDocument>(ns, model.Required("document").AsBsonDocument),
                "updateOne" => new BulkWriteUpdateOneModel<BsonDocument>(ns, model.Filter(), model.Update("update"), model.Sort(),
                    model.Collation(), model.Optional("hint"), model.Bool("upsert") ?? false, model.ArrayFilters()),
                "updateMany" => new BulkWriteUpdateManyModel<BsonDocument>(ns, model.Filter(), model.Update("update"),
                    model.Collation(), model.Optional("hint"), model.Bool("upsert") ?? false, model.ArrayFilters()),
                "replaceOne" => new BulkWriteReplaceOneModel<BsonDocument>(ns, model.Filter(), model.Required("replacement").AsBsonDocument, model.Sort(),
                    model.Collation(), model.Optional("hint"), model.Bool("upsert") ?? false),
                "deleteOne" => new BulkWriteDeleteOneModel<BsonDocument>(ns, model.Filter(), model.Collation(), model.Optional("hint")),
                "deleteMany" => new BulkWriteDeleteManyModel<BsonDocument>(ns, model.Filter(), model.Collation(), model.Optional("hint")),
                _ => throw new UnifiedRunnerLimitation($"the clientBulkWrite model {kind} is not supported by the runner"),
            });
            model.EnsureAllConsumed();
        }

        var verbose = args.Bool("verboseResults") ?? false;
        var result = await client.BulkWriteAsync(models, new ClientBulkWriteOptions
        {
            IsOrdered = args.Bool("ordered") ?? true,
            BypassDocumentValidation = args.Bool("bypassDocumentValidation"),
            Comment = args.Optional("comment"),
            Let = args.Document("let"),
            VerboseResult = verbose,
            WriteConcern = args.Document("writeConcern") is { } writeConcern ? WriteConcern.FromBsonDocument(writeConcern) : null,
        }, Ct);
        return ClientBulkWriteResult(result);
    }

    /// <summary>A client bulk write's result in the unified format's shape (also the partial result
    /// of a failed one); the per-operation results only when the driver kept them (verboseResults).</summary>
    public static BsonDocument ClientBulkWriteResult(ClientBulkWriteResult result)
    {
        if (!result.Acknowledged)
        {
            return Unacknowledged();
        }

        static string Key(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var document = new BsonDocument
        {
            { "insertedCount", result.InsertedCount },
            { "upsertedCount", result.UpsertedCount },
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.ModifiedCount },
            { "deletedCount", result.DeletedCount },
        };
        if (result.InsertResults is not null)
        {
            document.Add("insertResults", new BsonDocument(result.InsertResults.Select(r => new BsonElement(Key(r.Key), new BsonDocument("insertedId", BsonValue.Create(r.Value.DocumentId))))));
            document.Add("updateResults", new BsonDocument(result.UpdateResults.Select(r =>
            {
                var update = new BsonDocument { { "matchedCount", r.Value.MatchedCount }, { "modifiedCount", r.Value.ModifiedCount } };
                if (r.Value.UpsertedId is { } id)
                {
                    update.Add("upsertedId", id);
                }

                return new BsonElement(Key(r.Key), update);
            })));
            document.Add("deleteResults", new BsonDocument(result.DeleteResults.Select(r => new BsonElement(Key(r.Key), new BsonDocument("deletedCount", r.Value.DeletedCount)))));
        }

        return document;
    }

    /// <summary>A bulk write's result in the unified format's shape (also the partial result of a failed one).</summary>
    public static BsonDocument BulkWriteResult(BulkWriteResult<BsonDocument> result, IReadOnlyList<WriteModel<BsonDocument>> models)
    {
        if (!result.IsAcknowledged)
        {
            return Unacknowledged();
        }

        var insertedIds = new BsonDocument();
        for (var i = 0; i < models.Count; i++)
        {
            if (models[i] is InsertOneModel<BsonDocument> insert && insert.Document.Contains("_id"))
            {
                insertedIds.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), insert.Document["_id"]);
            }
        }

        var upsertedIds = new BsonDocument();
        foreach (var upsert in result.Upserts)
        {
            upsertedIds.Add(upsert.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), upsert.Id);
        }

        return new BsonDocument
        {
            { "deletedCount", result.DeletedCount },
            { "insertedCount", result.InsertedCount },
            { "insertedIds", insertedIds },
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.IsModifiedCountAvailable ? result.ModifiedCount : 0 },
            { "upsertedCount", result.Upserts.Count },
            { "upsertedIds", upsertedIds },
        };
    }

    private static BsonDocument UpdateResult(UpdateResult result)
    {
        if (!result.IsAcknowledged)
        {
            return Unacknowledged();
        }

        var document = new BsonDocument
        {
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.IsModifiedCountAvailable ? result.ModifiedCount : 0 },
            { "upsertedCount", result.UpsertedId is null ? 0 : 1 },
        };
        if (result.UpsertedId is not null)
        {
            document.Add("upsertedId", result.UpsertedId);
        }

        return document;
    }

    private static BsonDocument ReplaceResult(ReplaceOneResult result)
    {
        if (!result.IsAcknowledged)
        {
            return Unacknowledged();
        }

        var document = new BsonDocument
        {
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.IsModifiedCountAvailable ? result.ModifiedCount : 0 },
            { "upsertedCount", result.UpsertedId is null ? 0 : 1 },
        };
        if (result.UpsertedId is not null)
        {
            document.Add("upsertedId", result.UpsertedId);
        }

        return document;
    }

    /// <summary>A findAndModify result, or none when the write was unacknowledged (the reply of a
    /// w:0 write carries nothing the application may rely on).</summary>
    private static BsonValue? Unset(IMongoCollection<BsonDocument> collection, BsonDocument? document) =>
        Acknowledged(collection) ? document ?? (BsonValue)BsonNull.Value : null;

    private static bool Acknowledged(IMongoCollection<BsonDocument> collection) =>
        collection.Settings.WriteConcern?.IsAcknowledged ?? true;

    private static BsonDocument Unacknowledged() => new("acknowledged", false);

    /// <summary>An operation's arguments; each read marks the argument as handled.</summary>
    private sealed class Arguments(BsonDocument arguments, string operation)
    {
        private readonly HashSet<string> consumed = [];

        public BsonValue? Optional(string name)
        {
            consumed.Add(name);
            return arguments.GetValue(name, null);
        }

        public BsonValue Required(string name) =>
            Optional(name) ?? throw new UnifiedRunnerLimitation($"{operation} needs the argument '{name}'");

        public int? Int(string name) => Optional(name) is { } v ? v.ToInt32() : null;

        public long? Long(string name) => Optional(name) is { } v ? v.ToInt64() : null;

        public bool? Bool(string name) => Optional(name) is { } v ? v.ToBoolean() : null;

        public BsonDocument? Document(string name) => Optional(name)?.AsBsonDocument;

        public TimeSpan? MaxTime() => Optional("maxTimeMS") is { } v ? TimeSpan.FromMilliseconds(v.ToInt64()) : null;

        public FilterDefinition<BsonDocument> Filter() => new BsonDocumentFilterDefinition<BsonDocument>(Document("filter") ?? []);

        public SortDefinition<BsonDocument>? Sort() => Document("sort") is { } sort ? new BsonDocumentSortDefinition<BsonDocument>(sort) : null;

        public ProjectionDefinition<BsonDocument, BsonDocument>? Projection() =>
            Document("projection") is { } projection ? new BsonDocumentProjectionDefinition<BsonDocument, BsonDocument>(projection) : null;

        public Collation? Collation() => Document("collation") is { } collation ? MongoDB.Driver.Collation.FromBsonDocument(collation) : null;

        public ReturnDocument ReturnDocument() =>
            Optional("returnDocument")?.AsString == "After" ? MongoDB.Driver.ReturnDocument.After : MongoDB.Driver.ReturnDocument.Before;

        public IEnumerable<ArrayFilterDefinition>? ArrayFilters() =>
            Optional("arrayFilters")?.AsBsonArray.Select(f => (ArrayFilterDefinition)new BsonDocumentArrayFilterDefinition<BsonValue>(f.AsBsonDocument)).ToList();

        public UpdateDefinition<BsonDocument> Update(string name) => Required(name) switch
        {
            BsonArray stages => new PipelineUpdateDefinition<BsonDocument>(PipelineDefinition<BsonDocument, BsonDocument>.Create(stages.Select(s => s.AsBsonDocument))),
            var document => new BsonDocumentUpdateDefinition<BsonDocument>(document.AsBsonDocument),
        };

        public void EnsureAllConsumed()
        {
            var unknown = arguments.Names.Where(n => !consumed.Contains(n)).ToList();
            if (unknown.Count > 0)
            {
                throw new UnifiedRunnerLimitation($"{operation}: the argument(s) {string.Join(", ", unknown)} are not supported by the runner");
            }
        }
    }
}
