using System.Net;
using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>The embedding indexer on the shared host, with the real local model: the change stream
/// brings new, changed and deleted items to <c>contentembedding</c> within seconds.</summary>
public sealed class IndexerTests(ApiFactory api)
{
    /// <summary>The local model reads Latin script only: the Hebrew texts are left out of what it embeds.</summary>
    [Fact]
    public async Task A_new_item_is_embedded_with_its_texts_and_taxonomy()
    {
        var section = Catalog.NewSlug("ai");
        var item = Catalog.Item("קיבוץ בגליל", [section], format: "series", audience: "family", genres: ["drama"], topics: ["israel", "family"], year: 2021);
        item.TitleEn = "The Valley Kibbutz";
        item.DescriptionEn = "Three generations share one dining hall on a kibbutz in the Jezreel Valley.";
        item.TitleEs = "El kibutz del valle";
        item.Director = "Dana Levi";
        item.Cast = ["Avi Katz", "Noa Segal"];
        await api.InsertAsync(item);

        var stored = await Embeddings.WaitForAsync(api, item.Id, e => true);

        Assert.Equal(EmbeddingModel.Local.Id, stored["embedding_model"].AsString);
        Assert.Equal(384, stored["embedding_vector"].AsBsonArray.Count);
        Assert.All(stored["embedding_vector"].AsBsonArray, v => Assert.Equal(BsonType.Double, v.BsonType));
        Assert.Equal(
            "The Valley Kibbutz. Three generations share one dining hall on a kibbutz in the Jezreel Valley.\n" +
            "Genres: drama. Topics: israel, family.\nDirector: Dana Levi. Cast: Avi Katz, Noa Segal.\nEl kibutz del valle.",
            stored["text_content"].AsString);
        var metadata = stored["metadata"].AsBsonDocument;
        Assert.Equal(new BsonArray { section }, metadata["section_ids"]);
        Assert.Equal("series", metadata["content_format"]);
        Assert.Equal("family", metadata["audience_id"]);
        Assert.Equal(2021, metadata["year"]);
        Assert.Equal(EmbeddingText.Hash(stored["text_content"].AsString), metadata["text_hash"]);
        Assert.Equal(BsonType.DateTime, stored["created_at"].BsonType);
        Assert.Equal(item.Id, stored["content_id"].AsString);
    }

    [Fact]
    public async Task A_changed_text_is_embedded_again_and_a_changed_taxonomy_only_updates_the_filters()
    {
        var section = Catalog.NewSlug("ai");
        var item = Catalog.Item("מעיין", [section], year: 2010);
        item.TitleEn = "The Spring";
        item.DescriptionEn = "A shepherd looks for water in a dry summer.";
        await api.InsertAsync(item);
        var first = await Embeddings.WaitForAsync(api, item.Id, e => true);

        var other = Catalog.NewSlug("ai");
        await api.Content().UpdateOneAsync(c => c.Id == item.Id,
            MongoDB.Driver.Builders<BayitPlus.Api.Features.Content.ContentDocument>.Update.Set(c => c.SectionIds, [other]).Set(c => c.Year, 2011),
            cancellationToken: Http.Ct);
        var refiled = await Embeddings.WaitForAsync(api, item.Id, e => e["metadata"]["year"] == 2011);
        Assert.Equal(new BsonArray { other }, refiled["metadata"]["section_ids"]);
        Assert.Equal(first["created_at"], refiled["created_at"]);
        Assert.Equal(first["embedding_vector"], refiled["embedding_vector"]);

        await api.Content().UpdateOneAsync(c => c.Id == item.Id,
            MongoDB.Driver.Builders<BayitPlus.Api.Features.Content.ContentDocument>.Update.Set(c => c.DescriptionEn, "An astronaut trains for a mission to the moon."),
            cancellationToken: Http.Ct);
        var changed = await Embeddings.WaitForAsync(api, item.Id, e => e["text_content"].AsString.Contains("astronaut", StringComparison.Ordinal));
        Assert.NotEqual(first["embedding_vector"], changed["embedding_vector"]);
        Assert.True(changed["created_at"].ToUniversalTime() >= first["created_at"].ToUniversalTime());
        Assert.Equal(EmbeddingText.Hash(changed["text_content"].AsString), changed["metadata"]["text_hash"]);
    }

    [Fact]
    public async Task A_deleted_item_loses_its_embedding()
    {
        var item = Catalog.Item("זמני", [Catalog.NewSlug("ai")]);
        item.TitleEn = "Temporary";
        await api.InsertAsync(item);
        await Embeddings.WaitForAsync(api, item.Id, e => true);

        await api.Content().DeleteOneAsync(c => c.Id == item.Id, Http.Ct);

        await Embeddings.WaitForGoneAsync(api, item.Id);
    }

    [Fact]
    public async Task The_status_reports_the_model_counts_and_the_index()
    {
        var item = Catalog.Item("סטטוס", [Catalog.NewSlug("ai")]);
        await api.InsertAsync(item);
        await Embeddings.WaitForAsync(api, item.Id, e => true);
        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);

        var status = await admin.GetJsonAsync("/api/admin/ai-search/status");

        Assert.Equal(EmbeddingModel.Local.Id, status["configuredModel"]!.GetValue<string>());
        Assert.Equal(EmbeddingModel.Local.Id, status["activeModel"]!.GetValue<string>());
        Assert.False(status["switching"]!.GetValue<bool>());
        Assert.True(status["running"]!.GetValue<bool>());
        var local = status["embeddings"]!.AsArray().Single(m => m!["model"]!.GetValue<string>() == EmbeddingModel.Local.Id)!;
        Assert.True(local["embeddings"]!.GetValue<long>() >= 1);
        Assert.True(status["catalogItems"]!.GetValue<long>() >= local["embeddings"]!.GetValue<long>() - status["backlog"]!.GetValue<long>());
        Assert.Equal(EmbeddingModel.Local.IndexName, status["vectorIndex"]!["name"]!.GetValue<string>());
        Assert.True(status["vectorIndex"]!["queryable"]!.GetValue<bool>());
        Assert.NotNull(status["lastRun"]);
    }

    [Fact]
    public async Task Only_admins_see_the_status_or_ask_for_a_reindex()
    {
        var anonymous = api.CreateClient();
        await (await anonymous.GetAsync("/api/admin/ai-search/status", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync("/api/admin/ai-search/reindex", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var (_, user) = await api.SignedInClientAsync();
        await (await user.GetAsync("/api/admin/ai-search/status", Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await user.PostAsync("/api/admin/ai-search/reindex", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var state = await api.Raw(AiSearchStateDocument.CollectionName).Find(new BsonDocument("_id", AiSearchStateDocument.IndexerId)).FirstOrDefaultAsync(Http.Ct);
        Assert.False(state?.Contains("reindex_requested_at") ?? false);
    }
}
