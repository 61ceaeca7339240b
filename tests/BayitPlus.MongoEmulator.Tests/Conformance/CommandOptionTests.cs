using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>Command-level options the specification tests exercise: <c>let</c> and the 8.0-only
/// <c>sort</c> of single updates.</summary>
public sealed class CommandOptionTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    [Fact]
    public async Task Let_expressions_are_evaluated_once_before_the_update_uses_them()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}"), cancellationToken: Ct);

        var update = new PipelineUpdateDefinition<BsonDocument>(new[] { Doc("{$set: {y: '$$y', n: '$$n'}}") });
        await collection.UpdateManyAsync("{}", update, new UpdateOptions { Let = Doc("{y: {$literal: '$bar'}, n: {$add: [1, 2]}}") }, Ct);

        var stored = await collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct);
        Assert.All(stored, d => AssertSameFields(new BsonDocument { { "_id", d["_id"] }, { "y", "$bar" }, { "n", 3 } }, d));
    }

    [Fact]
    public async Task Let_variables_are_values_in_find_and_aggregate()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, x: 'a'}", "{_id: 2, x: 'b'}"), cancellationToken: Ct);

        var found = await collection.Find("{$expr: {$eq: ['$x', '$$wanted']}}", new FindOptions { Let = Doc("{wanted: {$toLower: 'B'}}") }).ToListAsync(Ct);
        var projected = await AggregateAsync(collection, new AggregateOptions { Let = Doc("{label: {$literal: '$x'}}") },
            Doc("{$match: {_id: 1}}"), Doc("{$project: {label: '$$label'}}"));

        Assert.Equal([2], found.Select(d => d["_id"].AsInt32));
        AssertSameFields(Doc("{_id: 1, label: '$x'}"), Assert.Single(projected));
    }

    [Fact]
    public async Task Let_rejects_invalid_variable_names()
    {
        var collection = NewCollection();

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.Find("{}", new FindOptions { Let = Doc("{Upper: 1}") }).ToListAsync(Ct));

        Assert.Equal(16867, error.Code);
    }

    /// <summary>MongoDB 8.0 added <c>sort</c> to single updates; 7.0 refuses it. Either way it is never
    /// accepted and ignored.</summary>
    [Fact]
    public async Task UpdateOne_sort_picks_the_first_document_in_sort_order_or_is_refused_before_8_0()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, x: 11}", "{_id: 2, x: 22}", "{_id: 3, x: 33}"), cancellationToken: Ct);
        var buildInfo = await Database.RunCommandAsync<BsonDocument>(Doc("{buildInfo: 1}"), cancellationToken: Ct);
        var major = buildInfo["versionArray"][0].ToInt32();

        var update = () => collection.UpdateOneAsync("{_id: {$gt: 1}}", "{$inc: {x: 1}}", new UpdateOptions<BsonDocument> { Sort = Doc("{_id: -1}") }, Ct);
        var replace = () => collection.ReplaceOneAsync("{_id: {$gt: 1}}", Doc("{x: 1}"), new ReplaceOptions<BsonDocument> { Sort = Doc("{_id: -1}") }, Ct);

        if (major >= 8)
        {
            Assert.Equal(1, (await update()).ModifiedCount);
            Assert.Equal(1, (await replace()).ModifiedCount);
            var stored = await collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct);
            Assert.Equal(["{ \"_id\" : 1, \"x\" : 11 }", "{ \"_id\" : 2, \"x\" : 22 }", "{ \"_id\" : 3, \"x\" : 1 }"], stored.Select(d => d.ToJson()));
        }
        else
        {
            Assert.Equal(40415, (await Assert.ThrowsAsync<MongoCommandException>(update)).Code);
            Assert.Equal(40415, (await Assert.ThrowsAsync<MongoCommandException>(replace)).Code);
            await AssertIdsAsync(collection, "{x: {$in: [11, 22, 33]}}", 1, 2, 3);
        }
    }

    /// <summary>The server parses every statement before running any, so the second statement's
    /// unknown, wrongly typed or missing field fails the command and the first writes nothing.</summary>
    [Theory]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, bogus: 1}", 40415)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, limit: 1}", 40415)]
    [InlineData("delete", "deletes", "{q: {}, limit: 0, multi: true}", 40415)]
    [InlineData("delete", "deletes", "{q: {}, limit: 0, upsert: true}", 40415)]
    [InlineData("update", "updates", "{q: {}, u: [{$set: {a: 1}}], c: 5}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, multi: 1}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, upsert: 'yes'}", 14)]
    [InlineData("update", "updates", "{q: {}, u: [{$set: {a: 1}}], upsert: true, upsertSupplied: 1, c: {new: {}}}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {'a.$[e]': 1}}, arrayFilters: {e: 1}}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {'a.$[e]': 1}}, arrayFilters: [1]}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, collation: 'en'}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, sort: 1}", 14)]
    [InlineData("update", "updates", "{q: 1, u: {$set: {a: 1}}}", 14)]
    [InlineData("update", "updates", "{q: {}, u: {$set: {a: 1}}, hint: 1}", 9)]
    [InlineData("update", "updates", "{q: {}, u: 1}", 9)]
    [InlineData("update", "updates", "{q: {}, u: [1]}", 14)]
    [InlineData("update", "updates", "{q: {}}", 40414)]
    [InlineData("delete", "deletes", "{q: [], limit: 0}", 14)]
    [InlineData("delete", "deletes", "{q: {}, limit: 2}", 9)]
    [InlineData("delete", "deletes", "{q: {}, limit: 0, collation: 1}", 14)]
    [InlineData("delete", "deletes", "{q: {}, limit: 0, hint: true}", 9)]
    [InlineData("delete", "deletes", "{q: {}}", 40414)]
    public async Task Write_statements_the_parser_refuses_fail_the_whole_command(string command, string array, string statement, int code)
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { command, collection.CollectionNamespace.CollectionName }, { array, new BsonArray { Doc("{q: {_id: 1}, " + (command == "update" ? "u: {$set: {b: 1}}}" : "limit: 1}")), Doc(statement) } } },
            cancellationToken: Ct));

        Assert.Equal(code, error.Code);
        AssertSameFields(Doc("{_id: 1}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Fact]
    public async Task Update_constants_are_variables_of_a_pipeline_update_and_refused_elsewhere()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}"), cancellationToken: Ct);
        var name = collection.CollectionNamespace.CollectionName;

        var reply = await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "update", name },
            { "updates", new BsonArray
                {
                    Doc("{q: {_id: 1}, u: [{$set: {v: '$$k', w: '$$shared'}}], c: {k: '$notAPath', shared: 'statement'}}"),
                    Doc("{q: {_id: 2}, u: {$set: {v: 1}}, c: {k: 1}}"),
                    Doc("{q: {_id: 3}, u: [{$set: {v: 1}}], c: {new: {_id: 3, supplied: true}}, upsert: true, upsertSupplied: true}"),
                    Doc("{q: {_id: 4}, u: [{$set: {v: 1}}], c: {}, upsert: true, upsertSupplied: true}"),
                }
            },
            { "ordered", false },
            { "let", Doc("{shared: 'command'}") },
        }, cancellationToken: Ct);

        Assert.Equal([51198, 9], reply["writeErrors"].AsBsonArray.Select(e => e["code"].ToInt32()));
        Assert.Equal([1, 3], reply["writeErrors"].AsBsonArray.Select(e => e["index"].ToInt32()));
        var stored = await collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct);
        Assert.Equal(3, stored.Count);
        AssertSameFields(Doc("{_id: 1, v: '$notAPath', w: 'statement'}"), stored[0]);
        AssertSameFields(Doc("{_id: 2}"), stored[1]);
        AssertSameFields(Doc("{_id: 3, supplied: true}"), stored[2]);
    }

    /// <summary>upsertSupplied needs upsert and a c.new document, checked before matching: each
    /// statement fails on its own whether or not a document matches.</summary>
    [Fact]
    public async Task Upsert_supplied_needs_upsert_and_a_supplied_document_whether_or_not_a_document_matches()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1}"), cancellationToken: Ct);

        var reply = await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "update", collection.CollectionNamespace.CollectionName },
            { "updates", new BsonArray
                {
                    Doc("{q: {_id: 1}, u: [{$set: {v: 1}}], c: {new: {_id: 1, supplied: true}}, upsertSupplied: true}"),
                    Doc("{q: {_id: 2}, u: [{$set: {v: 1}}], c: {new: {_id: 2, supplied: true}}, upsertSupplied: true}"),
                    Doc("{q: {_id: 1}, u: [{$set: {v: 1}}], upsert: true, upsertSupplied: true}"),
                    Doc("{q: {_id: 1}, u: [{$set: {v: 1}}], c: {new: 5}, upsert: true, upsertSupplied: true}"),
                    Doc("{q: {_id: 1}, u: [{$set: {v: 1}}], c: {new: {_id: 1}}, upsert: true, upsertSupplied: false}"),
                }
            },
            { "ordered", false },
        }, cancellationToken: Ct);

        Assert.Equal([9, 9, 9, 9], reply["writeErrors"].AsBsonArray.Select(e => e["code"].ToInt32()));
        Assert.Equal([0, 1, 2, 3], reply["writeErrors"].AsBsonArray.Select(e => e["index"].ToInt32()));
        AssertSameFields(Doc("{_id: 1, v: 1}"), await collection.Find("{}").SingleAsync(Ct));
    }

    [Fact]
    public async Task Find_refuses_fields_its_parser_does_not_know()
    {
        var collection = NewCollection();

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "find", collection.CollectionNamespace.CollectionName }, { "maxScan", 10 } }, cancellationToken: Ct));

        Assert.Equal(40415, error.Code);
    }

    /// <summary>Options that change nothing on one node: sharding, disk use for sorts, storage hints,
    /// the long-ignored oplogReplay; and the defaults of the options that would.</summary>
    [Fact]
    public async Task Find_options_without_effect_on_a_single_node_are_accepted()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}"), cancellationToken: Ct);

        var reply = await Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "find", collection.CollectionNamespace.CollectionName },
            { "sort", Doc("{_id: 1}") },
            { "noCursorTimeout", true },
            { "allowPartialResults", true },
            { "allowDiskUse", true },
            { "oplogReplay", true },
            { "readOnce", true },
            { "tailable", false },
            { "awaitData", false },
            { "returnKey", false },
            { "showRecordId", false },
            { "min", new BsonDocument() },
            { "max", new BsonDocument() },
        }, cancellationToken: Ct);

        Assert.Equal([1, 2], reply["cursor"]["firstBatch"].AsBsonArray.Select(d => d["_id"].AsInt32));
    }

    [Theory]
    [InlineData("insert", "documents", "{_id: 3}")]
    [InlineData("update", "updates", "{q: {_id: 1}, u: {$set: {a: 1}}}")]
    [InlineData("delete", "deletes", "{q: {_id: 1}, limit: 1}")]
    public async Task Ordered_must_be_a_boolean(string command, string array, string statement)
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1}", "{_id: 2}"), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { command, collection.CollectionNamespace.CollectionName }, { array, new BsonArray { Doc(statement) } }, { "ordered", 1 },
        }, cancellationToken: Ct));

        Assert.Equal(14, error.Code);
        Assert.Equal([Doc("{_id: 1}"), Doc("{_id: 2}")], await collection.Find("{}").Sort("{_id: 1}").ToListAsync(Ct));
    }
}
