using BayitPlus.Testing;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using MongoDB.Driver.Linq;

namespace BayitPlus.MongoEmulator.Tests.Conformance;

/// <summary>The way an ASP.NET Core API uses the driver: typed POCO collections with snake_case
/// element names, LINQ, Builders, keyset pagination, bulk writes and the indexes it creates at
/// start-up.</summary>
public sealed class AppPatternsTests(MongoDatabaseFixture fixture) : ConformanceTest(fixture)
{
    private static readonly DateTime T0 = new(2025, 3, 10, 8, 30, 15, 123, DateTimeKind.Utc);

    private static Property NewProperty(string title, string city, decimal price, int minutes, PropertyStatus status = PropertyStatus.Active) => new()
    {
        Title = title,
        City = city,
        Price = price,
        Status = status,
        CreatedAt = T0.AddMinutes(minutes),
    };

    private async Task<IMongoCollection<Property>> SeedAsync()
    {
        var collection = Fixture.NewCollection<Property>();
        await collection.InsertManyAsync(
        [
            NewProperty("Sea view flat", "Haifa", 1500m, 1) with { Rooms = 3, Views = 10, Images = [new() { Url = "a.jpg", IsCover = true, Width = 800 }] },
            NewProperty("Garden Loft", "Haifa", 2500.50m, 2) with { Rooms = null, Views = 5, Images = [new() { Url = "b.jpg", Width = 300 }, new() { Url = "c.jpg", IsCover = true, Width = 400 }] },
            NewProperty("Small room", "Tel Aviv", 900m, 3, PropertyStatus.Draft) with { Rooms = 1, Views = 7, Description = "cosy" },
            NewProperty("Penthouse", "Tel Aviv", 9000m, 4) with { Rooms = 5, Views = 100_000_000_000L, Images = [new() { Url = "d.jpg", IsCover = true, Width = 1200 }, new() { Url = "e.jpg", Width = 1200 }] },
            NewProperty("Old house", "Haifa", 1500m, 5, PropertyStatus.Sold) with { Rooms = 4, Views = 1 },
        ], cancellationToken: Ct);
        return collection;
    }

    [Fact]
    public async Task Linq_filters_on_several_fields_orders_pages_and_projects()
    {
        var collection = await SeedAsync();

        var page = await collection.AsQueryable()
            .Where(p => p.City == "Haifa" && p.Status != PropertyStatus.Draft && p.Price >= 1500m)
            .OrderByDescending(p => p.Price)
            .ThenBy(p => p.Title)
            .Skip(1)
            .Take(2)
            .Select(p => new { p.Title, p.Price, ImageCount = p.Images.Count, p.Status })
            .ToListAsync(Ct);

        Assert.Equal(
            [("Old house", 1500m, 0, PropertyStatus.Sold), ("Sea view flat", 1500m, 1, PropertyStatus.Active)],
            page.Select(p => (p.Title, p.Price, p.ImageCount, p.Status)));
    }

    [Fact]
    public async Task Linq_round_trips_enums_as_strings_decimals_longs_nullables_and_utc_dates()
    {
        var collection = await SeedAsync();

        var penthouse = await collection.AsQueryable().SingleAsync(p => p.Views > int.MaxValue, Ct);
        var stored = await Database.GetCollection<BsonDocument>(collection.CollectionNamespace.CollectionName)
            .Find(new BsonDocument("title", "Penthouse")).SingleAsync(Ct);
        var noRooms = await collection.AsQueryable().Where(p => p.Rooms == null).Select(p => p.Title).ToListAsync(Ct);
        var manyRooms = await collection.AsQueryable().Where(p => p.Rooms > 2).OrderBy(p => p.Rooms).Select(p => p.Title).ToListAsync(Ct);
        var described = await collection.AsQueryable().Where(p => p.Description != null).Select(p => p.Title).ToListAsync(Ct);
        var byStatus = await collection.Find(Builders<Property>.Filter.In(p => p.Status, [PropertyStatus.Draft, PropertyStatus.Sold]))
            .SortBy(p => p.CreatedAt).Project(p => p.Title).ToListAsync(Ct);
        var inWindow = await collection.Find(p => p.CreatedAt >= T0.AddMinutes(2) && p.CreatedAt < T0.AddMinutes(4)).SortBy(p => p.CreatedAt).ToListAsync(Ct);

        Assert.Equal(9000m, penthouse.Price);
        Assert.Equal(100_000_000_000L, penthouse.Views);
        Assert.Equal(T0.AddMinutes(4), penthouse.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, penthouse.CreatedAt.Kind);
        Assert.Equal(BsonType.String, stored["status"].BsonType);
        Assert.Equal(BsonType.Decimal128, stored["price"].BsonType);
        Assert.Equal(BsonType.Int64, stored["views"].BsonType);
        Assert.Equal(["Garden Loft"], noRooms);
        Assert.Equal(["Sea view flat", "Old house", "Penthouse"], manyRooms);
        Assert.Equal(["Small room"], described);
        Assert.Equal(["Small room", "Old house"], byStatus);
        Assert.Equal(["Garden Loft", "Small room"], inWindow.Select(p => p.Title));
        Assert.Equal(T0.AddMinutes(2), inWindow[0].CreatedAt);
    }

    [Fact]
    public async Task Linq_string_predicates_translate_to_regex_and_expressions()
    {
        var collection = await SeedAsync();

        var contains = await collection.AsQueryable().Where(p => p.Title.Contains("o")).OrderBy(p => p.Title).Select(p => p.Title).ToListAsync(Ct);
        var lowered = await collection.AsQueryable().Where(p => p.Title.ToLower().Contains("loft")).Select(p => p.Title).ToListAsync(Ct);
        var startsWith = await collection.AsQueryable().Where(p => p.Title.StartsWith("S")).OrderBy(p => p.Title).Select(p => p.Title).ToListAsync(Ct);
        var ignoreCase = await collection.AsQueryable().Where(p => p.City.ToLower() == "tel aviv").CountAsync(Ct);
        var upperProjection = await collection.AsQueryable().Where(p => p.Rooms == 1).Select(p => new { Upper = p.Title.ToUpper(), p.City }).SingleAsync(Ct);

        Assert.Equal(["Garden Loft", "Old house", "Penthouse", "Small room"], contains);
        Assert.Equal(["Garden Loft"], lowered);
        Assert.Equal(["Sea view flat", "Small room"], startsWith);
        Assert.Equal(2, ignoreCase);
        Assert.Equal(("SMALL ROOM", "Tel Aviv"), (upperProjection.Upper, upperProjection.City));
    }

    [Fact]
    public async Task Linq_any_with_a_predicate_on_an_array_of_subdocuments_and_array_counts()
    {
        var collection = await SeedAsync();

        var wideCover = await collection.AsQueryable().Where(p => p.Images.Any(i => i.IsCover && i.Width >= 500)).OrderBy(p => p.Title).Select(p => p.Title).ToListAsync(Ct);
        var anyImage = await collection.AsQueryable().Where(p => p.Images.Any()).CountAsync(Ct);
        var twoImages = await collection.AsQueryable().Where(p => p.Images.Count == 2).OrderBy(p => p.Title).Select(p => p.Title).ToListAsync(Ct);
        var moreThanOne = await collection.AsQueryable().Where(p => p.Images.Count > 1).CountAsync(Ct);
        var viaBuilders = await collection.Find(Builders<Property>.Filter.ElemMatch(p => p.Images, i => i.Url == "c.jpg" && i.IsCover)).Project(p => p.Title).ToListAsync(Ct);
        var coverUrls = await collection.AsQueryable()
            .Where(p => p.City == "Haifa")
            .OrderBy(p => p.CreatedAt)
            .Select(p => new { p.Title, Covers = p.Images.Where(i => i.IsCover).Select(i => i.Url).ToList() })
            .ToListAsync(Ct);

        Assert.Equal(["Penthouse", "Sea view flat"], wideCover);
        Assert.Equal(3, anyImage);
        Assert.Equal(["Garden Loft", "Penthouse"], twoImages);
        Assert.Equal(2, moreThanOne);
        Assert.Equal(["Garden Loft"], viaBuilders);
        Assert.Equal(["a.jpg"], coverUrls[0].Covers);
        Assert.Equal(["c.jpg"], coverUrls[1].Covers);
        Assert.Empty(coverUrls[2].Covers);
    }

    [Fact]
    public async Task Linq_group_by_with_count_sum_average_and_max()
    {
        var collection = await SeedAsync();

        var groups = await collection.AsQueryable()
            .Where(p => p.Status != PropertyStatus.Draft)
            .GroupBy(p => p.City)
            .Select(g => new { City = g.Key, Count = g.Count(), Views = g.Sum(p => p.Views), AveragePrice = g.Average(p => p.Price), Newest = g.Max(p => p.CreatedAt) })
            .OrderBy(g => g.City)
            .ToListAsync(Ct);
        var byStatus = await collection.Aggregate()
            .Group(p => p.Status, g => new { Status = g.Key, Count = g.Count() })
            .SortByDescending(g => g.Count)
            .ThenBy(g => g.Status)
            .ToListAsync(Ct);

        Assert.Equal(2, groups.Count);
        Assert.Equal(("Haifa", 3, 16L, 5500.50m / 3, T0.AddMinutes(5)), (groups[0].City, groups[0].Count, groups[0].Views, groups[0].AveragePrice, groups[0].Newest));
        Assert.Equal(("Tel Aviv", 1, 100_000_000_000L, 9000m), (groups[1].City, groups[1].Count, groups[1].Views, groups[1].AveragePrice));
        Assert.Equal([(PropertyStatus.Active, 3), (PropertyStatus.Draft, 1), (PropertyStatus.Sold, 1)], byStatus.Select(g => (g.Status, g.Count)));
    }

    [Fact]
    public async Task Linq_scalar_operators_count_any_first_and_max()
    {
        var collection = await SeedAsync();

        Assert.Equal(3, await collection.AsQueryable().CountAsync(p => p.City == "Haifa", Ct));
        Assert.Equal(5L, await collection.AsQueryable().LongCountAsync(Ct));
        Assert.True(await collection.AsQueryable().AnyAsync(p => p.Price > 5000m, Ct));
        Assert.False(await collection.AsQueryable().AnyAsync(p => p.Price > 50000m, Ct));
        Assert.Null(await collection.AsQueryable().FirstOrDefaultAsync(p => p.City == "Eilat", Ct));
        Assert.Equal("Penthouse", (await collection.AsQueryable().OrderByDescending(p => p.Price).FirstAsync(Ct)).Title);
        Assert.Equal(9000m, await collection.AsQueryable().MaxAsync(p => p.Price, Ct));
        Assert.Equal(13, await collection.AsQueryable().Where(p => p.Rooms != null).SumAsync(p => p.Rooms!.Value, Ct));
        Assert.Equal(["Haifa", "Tel Aviv"], await collection.AsQueryable().Select(p => p.City).Distinct().OrderBy(c => c).ToListAsync(Ct));
    }

    [Fact]
    public async Task Keyset_pagination_on_created_at_and_id_visits_every_document_once()
    {
        var collection = Fixture.NewCollection<Property>();
        var sameInstant = Enumerable.Range(0, 7).Select(i => NewProperty($"same{i}", "Haifa", i, 0));
        var spread = Enumerable.Range(0, 8).Select(i => NewProperty($"spread{i}", "Haifa", i, i % 3 == 0 ? -i : i));
        await collection.InsertManyAsync([.. sameInstant, .. spread], cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<Property>(Builders<Property>.IndexKeys.Descending(p => p.CreatedAt).Descending(p => p.Id)), cancellationToken: Ct);
        var expected = await collection.Find(FilterDefinition<Property>.Empty).SortByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Project(p => p.Id).ToListAsync(Ct);

        var visited = new List<ObjectId>();
        var page = await collection.Find(FilterDefinition<Property>.Empty).SortByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Limit(4).ToListAsync(Ct);
        while (page.Count > 0)
        {
            visited.AddRange(page.Select(p => p.Id));
            var (c, id) = (page[^1].CreatedAt, page[^1].Id);
            page = await collection.Find(p => p.CreatedAt < c || (p.CreatedAt == c && p.Id < id))
                .SortByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Limit(4).ToListAsync(Ct);
        }

        Assert.Equal(15, expected.Count);
        Assert.Equal(expected, visited);
    }

    [Fact]
    public async Task CountDocuments_and_Distinct_with_filters_skip_and_limit()
    {
        var collection = await SeedAsync();

        Assert.Equal(3, await collection.CountDocumentsAsync(p => p.City == "Haifa", cancellationToken: Ct));
        Assert.Equal(2, await collection.CountDocumentsAsync(p => p.City == "Haifa", new CountOptions { Skip = 1 }, Ct));
        Assert.Equal(1, await collection.CountDocumentsAsync(p => p.City == "Haifa", new CountOptions { Skip = 1, Limit = 1 }, Ct));
        Assert.Equal(0, await collection.CountDocumentsAsync(p => p.City == "Eilat", cancellationToken: Ct));
        Assert.Equal(5, await collection.EstimatedDocumentCountAsync(cancellationToken: Ct));
        Assert.Equal(["Haifa", "Tel Aviv"], (await (await collection.DistinctAsync(p => p.City, FilterDefinition<Property>.Empty, cancellationToken: Ct)).ToListAsync(Ct)).Order());
        Assert.Equal([PropertyStatus.Active, PropertyStatus.Sold], (await (await collection.DistinctAsync(p => p.Status, p => p.City == "Haifa", cancellationToken: Ct)).ToListAsync(Ct)).Order());
        Assert.Equal([300, 400, 800, 1200], (await (await collection.DistinctAsync<int>("images.width", FilterDefinition<Property>.Empty, cancellationToken: Ct)).ToListAsync(Ct)).Order());
    }

    [Fact]
    public async Task Ordered_bulk_write_reports_matched_modified_deleted_and_upserted_counts()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Docs("{_id: 1, n: 0, tag: 'x'}", "{_id: 2, n: 0, tag: 'x'}", "{_id: 3, n: 5, tag: 'y'}"), cancellationToken: Ct);

        var result = await collection.BulkWriteAsync(
        [
            new InsertOneModel<BsonDocument>(Doc("{_id: 4, n: 0, tag: 'z'}")),
            new UpdateOneModel<BsonDocument>("{_id: 1}", "{$inc: {n: 1}}"),
            new UpdateManyModel<BsonDocument>("{tag: 'x'}", "{$set: {n: 1}}"),
            new UpdateOneModel<BsonDocument>("{_id: 10}", "{$set: {n: 10}}") { IsUpsert = true },
            new ReplaceOneModel<BsonDocument>("{_id: 3}", Doc("{n: 5, tag: 'y'}")),
            new ReplaceOneModel<BsonDocument>("{_id: 11}", Doc("{n: 11}")) { IsUpsert = true },
            new DeleteManyModel<BsonDocument>("{tag: 'z'}"),
            new DeleteOneModel<BsonDocument>("{_id: 99}"),
        ], cancellationToken: Ct);

        Assert.True(result.IsAcknowledged);
        Assert.Equal(1, result.InsertedCount);
        Assert.Equal(4, result.MatchedCount);
        Assert.Equal(2, result.ModifiedCount);
        Assert.Equal(1, result.DeletedCount);
        Assert.Equal(2, result.Upserts.Count);
        Assert.Equal([(3, (BsonValue)10), (5, 11)], result.Upserts.Select(u => (u.Index, u.Id)));
        Assert.Equal(8, result.RequestCount);
        await AssertIdsAsync(collection, "{}", 1, 2, 3, 10, 11);
        Assert.Equal(Doc("{_id: 11, n: 11}"), await collection.Find("{_id: 11}").SingleAsync(Ct));
    }

    [Fact]
    public async Task Bulk_write_errors_stop_an_ordered_batch_and_are_skipped_by_an_unordered_one()
    {
        var ordered = NewCollection("ordered");
        var unordered = NewCollection("unordered");
        WriteModel<BsonDocument>[] models =
        [
            new InsertOneModel<BsonDocument>(Doc("{_id: 1}")),
            new InsertOneModel<BsonDocument>(Doc("{_id: 1}")),
            new UpdateOneModel<BsonDocument>("{_id: 2}", "{$set: {a: 1}}") { IsUpsert = true },
            new DeleteOneModel<BsonDocument>("{_id: 0}"),
        ];
        await ordered.InsertOneAsync(Doc("{_id: 0}"), cancellationToken: Ct);
        await unordered.InsertOneAsync(Doc("{_id: 0}"), cancellationToken: Ct);

        var stopped = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => ordered.BulkWriteAsync(models, cancellationToken: Ct));
        var skipped = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => unordered.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, Ct));

        Assert.Equal((1, ServerErrorCategory.DuplicateKey), (Assert.Single(stopped.WriteErrors).Index, stopped.WriteErrors[0].Category));
        Assert.Equal(2, stopped.UnprocessedRequests.Count);
        Assert.Equal(1, stopped.Result.InsertedCount);
        Assert.Empty(stopped.Result.Upserts);
        await AssertIdsAsync(ordered, "{}", 0, 1);

        Assert.Equal(1, Assert.Single(skipped.WriteErrors).Index);
        Assert.Equal(1, skipped.Result.InsertedCount);
        Assert.Equal(1, skipped.Result.DeletedCount);
        Assert.Equal(2, Assert.Single(skipped.Result.Upserts).Index);
        await AssertIdsAsync(unordered, "{}", 1, 2);
    }

    private static CreateIndexModel<User>[] UserIndexes() =>
    [
        new(Builders<User>.IndexKeys.Ascending(u => u.Email), new CreateIndexOptions { Unique = true }),
        new(Builders<User>.IndexKeys.Ascending(u => u.FirebaseUid), new CreateIndexOptions { Unique = true, Sparse = true }),
        new(Builders<User>.IndexKeys.Descending(u => u.CreatedAt)),
        new(Builders<User>.IndexKeys.Text(u => u.Name).Text(u => u.Bio), new CreateIndexOptions { Weights = new BsonDocument { { "name", 10 }, { "bio", 2 } } }),
        new(Builders<User>.IndexKeys.Ascending(u => u.ExpiresAt), new CreateIndexOptions { ExpireAfter = TimeSpan.Zero }),
    ];

    [Fact]
    public async Task Start_up_index_creation_is_idempotent_and_listIndexes_reports_the_options()
    {
        var users = Fixture.NewCollection<User>();

        var first = await users.Indexes.CreateManyAsync(UserIndexes(), Ct);
        var second = await users.Indexes.CreateManyAsync(UserIndexes(), Ct);
        var third = await users.Indexes.CreateOneAsync(UserIndexes()[0], cancellationToken: Ct);
        var indexes = (await (await users.Indexes.ListAsync(Ct)).ToListAsync(Ct)).ToDictionary(i => i["name"].AsString);

        string[] names = ["email_1", "firebase_uid_1", "created_at_-1", "name_text_bio_text", "expires_at_1"];
        Assert.Equal(names, first);
        Assert.Equal(names, second);
        Assert.Equal("email_1", third);
        Assert.Equal(["_id_", .. names.Order(StringComparer.Ordinal)], indexes.Keys.Order(StringComparer.Ordinal));
        Assert.True(indexes["email_1"]["unique"].ToBoolean());
        Assert.Equal((true, true), (indexes["firebase_uid_1"]["unique"].ToBoolean(), indexes["firebase_uid_1"]["sparse"].ToBoolean()));
        Assert.Equal(Doc("{created_at: -1}"), indexes["created_at_-1"]["key"]);
        Assert.Equal(Doc("{_fts: 'text', _ftsx: 1}"), indexes["name_text_bio_text"]["key"]);
        Assert.Equal(10, indexes["name_text_bio_text"]["weights"]["name"].ToInt32());
        Assert.Equal(2, indexes["name_text_bio_text"]["weights"]["bio"].ToInt32());
        Assert.Equal(0, indexes["expires_at_1"]["expireAfterSeconds"].ToInt64());
    }

    [Fact]
    public async Task Unique_sparse_index_admits_many_documents_without_the_field()
    {
        var users = Fixture.NewCollection<User>();
        await users.Indexes.CreateManyAsync(UserIndexes(), Ct);

        await users.InsertManyAsync([new User { Email = "a@x.io" }, new User { Email = "b@x.io" }, new User { Email = "c@x.io", FirebaseUid = "f1" }], cancellationToken: Ct);
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(() => users.InsertOneAsync(new User { Email = "d@x.io", FirebaseUid = "f1" }, cancellationToken: Ct));

        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicate.WriteError.Category);
        Assert.Equal(3, await users.CountDocumentsAsync(FilterDefinition<User>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Duplicate_key_errors_name_the_index_and_the_key_as_the_server_formats_them()
    {
        var users = Fixture.NewCollection<User>();
        await users.Indexes.CreateManyAsync(UserIndexes(), Ct);
        await users.InsertOneAsync(new User { Email = "a@x.io", FirebaseUid = "f1" }, cancellationToken: Ct);
        var ns = users.CollectionNamespace.FullName;

        var insert = await Assert.ThrowsAsync<MongoWriteException>(() => users.InsertOneAsync(new User { Email = "a@x.io" }, cancellationToken: Ct));
        var update = await Assert.ThrowsAsync<MongoWriteException>(async () =>
        {
            await users.InsertOneAsync(new User { Email = "b@x.io" }, cancellationToken: Ct);
            await users.UpdateOneAsync(u => u.Email == "b@x.io", Builders<User>.Update.Set(u => u.FirebaseUid, "f1"), cancellationToken: Ct);
        });
        var findAndModify = await Assert.ThrowsAnyAsync<MongoCommandException>(() => users.FindOneAndUpdateAsync(
            u => u.Email == "a@x.io" && u.Name == "someone else",
            Builders<User>.Update.Set(u => u.Bio, "x"),
            new FindOneAndUpdateOptions<User> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            Ct));

        Assert.Equal(ServerErrorCategory.DuplicateKey, insert.WriteError.Category);
        Assert.Equal($"E11000 duplicate key error collection: {ns} index: email_1 dup key: {{ email: \"a@x.io\" }}", insert.WriteError.Message);
        Assert.Equal($"E11000 duplicate key error collection: {ns} index: firebase_uid_1 dup key: {{ firebase_uid: \"f1\" }}", update.WriteError.Message);
        Assert.Equal(11000, findAndModify.Code);
        Assert.Contains("index: email_1 dup key: { email: \"a@x.io\" }", findAndModify.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_value_updates_report_no_modification_and_replace_upsert_takes_the_filter_id()
    {
        var collection = NewCollection();
        await collection.InsertOneAsync(Doc("{_id: 1, a: 1, b: {c: [1, 2]}}"), cancellationToken: Ct);

        var same = await collection.UpdateOneAsync("{_id: 1}", "{$set: {a: 1, 'b.c': [1, 2]}}", cancellationToken: Ct);
        var sameDouble = await collection.UpdateOneAsync("{_id: 1}", "{$set: {a: 1.0}}", cancellationToken: Ct);
        var upsert = await collection.ReplaceOneAsync("{_id: 7}", Doc("{name: 'seven'}"), new ReplaceOptions { IsUpsert = true }, Ct);
        var upsertedAgain = await collection.ReplaceOneAsync("{_id: 7}", Doc("{name: 'seven'}"), new ReplaceOptions { IsUpsert = true }, Ct);

        Assert.Equal((1L, 0L), (same.MatchedCount, same.ModifiedCount));
        Assert.Equal((1L, 1L), (sameDouble.MatchedCount, sameDouble.ModifiedCount));
        Assert.Equal((0L, 0L, (BsonValue)7), (upsert.MatchedCount, upsert.ModifiedCount, upsert.UpsertedId));
        Assert.Equal((1L, 0L, null), (upsertedAgain.MatchedCount, upsertedAgain.ModifiedCount, upsertedAgain.UpsertedId));
        Assert.Equal(Doc("{_id: 7, name: 'seven'}"), await collection.Find("{_id: 7}").SingleAsync(Ct));
        Assert.Equal(BsonType.Double, (await collection.Find("{_id: 1}").SingleAsync(Ct))["a"].BsonType);
    }

    [Fact]
    public async Task Text_search_sorted_by_text_score_through_builders()
    {
        var users = Fixture.NewCollection<User>();
        await users.Indexes.CreateManyAsync(UserIndexes(), Ct);
        await users.InsertManyAsync(
        [
            new User { Email = "1", Name = "Dana Levi", Bio = "garden designer" },
            new User { Email = "2", Name = "Avi", Bio = "likes gardens and dana" },
            new User { Email = "3", Name = "Noa", Bio = "plumber" },
        ], cancellationToken: Ct);

        var found = await users.Find(Builders<User>.Filter.Text("dana"))
            .Project<BsonDocument>(Builders<User>.Projection.Include(u => u.Email).MetaTextScore("score"))
            .Sort(Builders<User>.Sort.MetaTextScore("score"))
            .Limit(10)
            .ToListAsync(Ct);
        var counted = await users.CountDocumentsAsync(Builders<User>.Filter.Text("garden"), cancellationToken: Ct);

        Assert.Equal(["1", "2"], found.Select(d => d["email"].AsString));
        Assert.True(found[0]["score"].ToDouble() > found[1]["score"].ToDouble());
        Assert.Equal(2, counted);
    }

    [Fact]
    public async Task Paginated_facet_lookup_and_group_in_one_typed_pipeline()
    {
        var collection = await SeedAsync();
        var owners = Fixture.NewCollection<Owner>();
        var all = await collection.Find(FilterDefinition<Property>.Empty).ToListAsync(Ct);
        await owners.InsertManyAsync([new Owner { Id = "o1", Name = "Dana" }, new Owner { Id = "o2", Name = "Avi" }], cancellationToken: Ct);
        foreach (var (p, i) in all.Select((p, i) => (p, i)))
        {
            await collection.UpdateOneAsync(x => x.Id == p.Id, Builders<Property>.Update.Set(x => x.OwnerId, i % 2 == 0 ? "o1" : "o2"), cancellationToken: Ct);
        }

        var countFacet = AggregateFacet.Create("total", PipelineDefinition<Property, AggregateCountResult>.Create([PipelineStageDefinitionBuilder.Count<Property>()]));
        var pageFacet = AggregateFacet.Create("items", PipelineDefinition<Property, Property>.Create(
        [
            PipelineStageDefinitionBuilder.Sort(Builders<Property>.Sort.Descending(p => p.CreatedAt)),
            PipelineStageDefinitionBuilder.Skip<Property>(1),
            PipelineStageDefinitionBuilder.Limit<Property>(2),
        ]));
        var facets = await collection.Aggregate().Match(p => p.City == "Haifa").Facet(countFacet, pageFacet).SingleAsync(Ct);
        var joined = await collection.Aggregate()
            .Lookup<Property, Owner, PropertyWithOwners>(owners, p => p.OwnerId, o => o.Id, r => r.Owners)
            .SortBy(r => r.CreatedAt)
            .ToListAsync(Ct);
        var perOwner = await collection.Aggregate()
            .Group(p => p.OwnerId, g => new { Owner = g.Key, Count = g.Count(), Titles = g.Select(p => p.Title).ToList() })
            .SortBy(g => g.Owner)
            .ToListAsync(Ct);

        Assert.Equal(3, facets.Facets[0].Output<AggregateCountResult>().Single().Count);
        Assert.Equal(["Garden Loft", "Sea view flat"], facets.Facets[1].Output<Property>().Select(p => p.Title));
        Assert.Equal(["Dana", "Avi", "Dana", "Avi", "Dana"], joined.Select(r => Assert.Single(r.Owners).Name));
        Assert.Equal([("o1", 3), ("o2", 2)], perOwner.Select(g => (g.Owner!, g.Count)));
        Assert.Equal(3, perOwner[0].Titles.Count);
    }

    [Fact]
    public async Task Parallel_transactional_transfers_conserve_the_total()
    {
        var accounts = Database.GetCollection<BsonDocument>(Fixture.NewCollectionName());
        await accounts.InsertManyAsync(Docs("{_id: 'A', balance: 1000}", "{_id: 'B', balance: 1000}"), cancellationToken: Ct);

        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var (from, to) = i % 2 == 0 ? ("A", "B") : ("B", "A");
            using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
            await session.WithTransactionAsync(async (s, ct) =>
            {
                var source = await accounts.Find(s, new BsonDocument("_id", from)).SingleAsync(ct);
                if (source["balance"].AsInt32 >= 10 + i)
                {
                    await accounts.UpdateOneAsync(s, new BsonDocument("_id", from), new BsonDocument("$inc", new BsonDocument("balance", -(10 + i))), cancellationToken: ct);
                    await accounts.UpdateOneAsync(s, new BsonDocument("_id", to), new BsonDocument("$inc", new BsonDocument("balance", 10 + i)), cancellationToken: ct);
                }

                return true;
            }, cancellationToken: Ct);
        }));

        var balances = (await accounts.Find("{}").Sort("{_id: 1}").ToListAsync(Ct)).Select(d => d["balance"].AsInt32).ToList();
        var expectedA = 1000 - Enumerable.Range(0, 24).Sum(i => i % 2 == 0 ? 10 + i : -(10 + i));
        Assert.Equal([expectedA, 2000 - expectedA], balances);
    }

    [Fact]
    public async Task Change_stream_delivers_every_parallel_write_in_commit_order()
    {
        var name = Fixture.NewCollectionName();
        await Database.CreateCollectionAsync(name, cancellationToken: Ct);
        var counters = Database.GetCollection<BsonDocument>(name);
        await counters.InsertOneAsync(Doc("{_id: 'c', n: 0}"), cancellationToken: Ct);
        using var stream = await counters.WatchAsync(new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, Ct);

        const int Writes = 120;
        await Task.WhenAll(Enumerable.Range(0, Writes).Select(_ => counters.UpdateOneAsync("{_id: 'c'}", "{$inc: {n: 1}}", cancellationToken: Ct)));

        var seen = new List<int>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (seen.Count < Writes && DateTime.UtcNow < until && await stream.MoveNextAsync(Ct))
        {
            seen.AddRange(stream.Current.Select(e => e.UpdateDescription.UpdatedFields["n"].AsInt32));
        }

        Assert.Equal(Enumerable.Range(1, Writes), seen);
    }

    [Fact]
    public async Task Typed_array_updates_positional_all_elements_push_slice_pull_filter_and_pipeline()
    {
        var collection = Fixture.NewCollection<Property>();
        var property = new Property { Title = "x", Images = [new() { Url = "a", Width = 1 }, new() { Url = "b", Width = 2, IsCover = true }] };
        await collection.InsertOneAsync(property, cancellationToken: Ct);
        var update = Builders<Property>.Update;

        UpdateResult[] results =
        [
            await collection.UpdateOneAsync(p => p.Id == property.Id && p.Images.Any(i => i.Url == "b"), update.Set(p => p.Images.FirstMatchingElement().Width, 20), cancellationToken: Ct),
            await collection.UpdateOneAsync(p => p.Id == property.Id, update.Set(p => p.Images.AllElements().IsCover, false), cancellationToken: Ct),
            await collection.UpdateOneAsync(p => p.Id == property.Id, update.PushEach(p => p.Images, [new Image { Url = "c" }, new Image { Url = "d" }], slice: -3), cancellationToken: Ct),
            await collection.UpdateOneAsync(p => p.Id == property.Id, update.PullFilter(p => p.Images, i => i.Url == "c"), cancellationToken: Ct),
            await collection.UpdateOneAsync(p => p.Id == property.Id, update.Inc(p => p.Views, 5).Inc(p => p.Price, 1.5m).Max(p => p.Rooms, 3), cancellationToken: Ct),
            await collection.UpdateOneAsync(p => p.Id == property.Id, new PipelineUpdateDefinition<Property>(new[] { Doc("{$set: {title: {$concat: ['$title', '!']}}}") }), cancellationToken: Ct),
        ];
        var stored = await collection.Find(p => p.Id == property.Id).SingleAsync(Ct);

        Assert.All(results, r => Assert.Equal((1L, 1L), (r.MatchedCount, r.ModifiedCount)));
        Assert.Equal([("b", 20, false), ("d", 0, false)], stored.Images.Select(i => (i.Url, i.Width, i.IsCover)));
        Assert.Equal((5L, 1.5m, (int?)3, "x!"), (stored.Views, stored.Price, stored.Rooms, stored.Title));
    }

    [Fact]
    public async Task Parallel_find_one_and_update_upserts_on_one_key_create_one_document()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{k: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => collection.FindOneAndUpdateAsync<BsonDocument>(
            "{k: 'x'}",
            "{$inc: {n: 1}, $setOnInsert: {first: true}}",
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            Ct)));

        Assert.Equal(Enumerable.Range(1, 40), results.Select(r => r["n"].AsInt32).Order());
        Assert.Equal(1, await collection.CountDocumentsAsync("{}", cancellationToken: Ct));
    }

    [Fact]
    public async Task Parallel_transactions_upserting_one_unique_key_are_retried_not_failed()
    {
        var collection = NewCollection();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{k: 1}"), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var session = await Backend.Client.StartSessionAsync(cancellationToken: Ct);
            await session.WithTransactionAsync(
                async (s, ct) => await collection.UpdateOneAsync(s, "{k: 'x'}", "{$inc: {n: 1}}", new UpdateOptions { IsUpsert = true }, ct),
                cancellationToken: Ct);
        }));

        Assert.Equal(20, (await collection.Find("{}").SingleAsync(Ct))["n"].AsInt32);
    }

    [Fact]
    public async Task Hints_are_accepted_when_they_name_an_index_and_refused_otherwise()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Enumerable.Range(0, 9).Select(i => new BsonDocument { { "_id", i }, { "g", i % 3 } }), cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Doc("{g: 1}")), cancellationToken: Ct);

        var byName = await collection.Find("{g: 1}", new FindOptions { Hint = "g_1" }).ToListAsync(Ct);
        var byKeys = await collection.CountDocumentsAsync("{g: 1}", new CountOptions { Hint = Doc("{g: 1}") }, Ct);
        var updated = await collection.UpdateManyAsync("{g: 1}", "{$set: {seen: true}}", new UpdateOptions { Hint = "g_1" }, Ct);
        var unknownFind = await Assert.ThrowsAnyAsync<MongoCommandException>(() => collection.Find("{g: 1}", new FindOptions { Hint = "nope_1" }).ToListAsync(Ct));
        var unknownAggregate = await Assert.ThrowsAnyAsync<MongoCommandException>(() => collection.Aggregate(new AggregateOptions { Hint = Doc("{nope: 1}") }).Match("{g: 1}").ToListAsync(Ct));
        var unknownUpdate = await Assert.ThrowsAnyAsync<MongoWriteException>(() => collection.UpdateOneAsync("{g: 1}", "{$set: {x: 1}}", new UpdateOptions { Hint = "nope_1" }, Ct));

        Assert.Equal((3, 3L, 3L), (byName.Count, byKeys, updated.ModifiedCount));
        Assert.Equal((2, 2, 2), (unknownFind.Code, unknownAggregate.Code, unknownUpdate.WriteError.Code));
    }

    public enum PropertyStatus
    {
        Draft,
        Active,
        Sold,
    }

    public sealed record Property
    {
        [BsonId]
        public ObjectId Id { get; init; } = ObjectId.GenerateNewId();

        [BsonElement("title")]
        public string Title { get; init; } = "";

        [BsonElement("city")]
        public string City { get; init; } = "";

        [BsonElement("status")]
        [BsonRepresentation(BsonType.String)]
        public PropertyStatus Status { get; init; }

        [BsonElement("price")]
        [BsonRepresentation(BsonType.Decimal128)]
        public decimal Price { get; init; }

        [BsonElement("views")]
        public long Views { get; init; }

        [BsonElement("rooms")]
        public int? Rooms { get; init; }

        [BsonElement("description")]
        [BsonIgnoreIfNull]
        public string? Description { get; init; }

        [BsonElement("created_at")]
        [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
        public DateTime CreatedAt { get; init; }

        [BsonElement("images")]
        public List<Image> Images { get; init; } = [];

        [BsonElement("owner_id")]
        [BsonIgnoreIfNull]
        public string? OwnerId { get; init; }
    }

    public sealed record Image
    {
        [BsonElement("url")]
        public string Url { get; init; } = "";

        [BsonElement("is_cover")]
        public bool IsCover { get; init; }

        [BsonElement("width")]
        public int Width { get; init; }
    }

    public sealed class User
    {
        [BsonId]
        [BsonRepresentation(BsonType.ObjectId)]
        public string Id { get; set; } = ObjectId.GenerateNewId().ToString();

        [BsonElement("email")]
        public string Email { get; set; } = "";

        [BsonElement("firebase_uid")]
        [BsonIgnoreIfNull]
        public string? FirebaseUid { get; set; }

        [BsonElement("name")]
        public string Name { get; set; } = "";

        [BsonElement("bio")]
        public string Bio { get; set; } = "";

        [BsonElement("created_at")]
        public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

        [BsonElement("expires_at")]
        [BsonIgnoreIfNull]
        public DateTime? ExpiresAt { get; set; }
    }

    public sealed class Owner
    {
        [BsonId]
        public string Id { get; set; } = "";

        [BsonElement("name")]
        public string Name { get; set; } = "";
    }

    public sealed class PropertyWithOwners
    {
        [BsonId]
        public ObjectId Id { get; set; }

        [BsonElement("created_at")]
        public DateTime CreatedAt { get; set; }

        [BsonElement("owners")]
        public List<Owner> Owners { get; set; } = [];

        [BsonExtraElements]
        public BsonDocument? Rest { get; set; }
    }
}
