using System.Net;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class RecordSearchClickTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Searches => api.Database.GetCollection<BsonDocument>("searchquery");

    private async Task<string> InsertContentAsync()
    {
        var content = new ContentDocument { Title = "Film " + Guid.NewGuid().ToString("N")[..8], CreatedAt = DateTime.UtcNow };
        await api.Services.GetRequiredService<MongoContext>().Collection<ContentDocument>(ContentDocument.CollectionName)
            .InsertOneAsync(content, cancellationToken: Http.Ct);
        return content.Id;
    }

    private static async Task<string> SearchAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/search?q=film", Http.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync())["searchId"]!.GetValue<string>();
    }

    private async Task<BsonDocument> StoredAsync(string searchId) =>
        await Searches.Find(new BsonDocument("_id", ObjectId.Parse(searchId))).SingleAsync(Http.Ct);

    [Fact]
    public async Task An_anonymous_search_click_is_stored_as_clicked_result()
    {
        var contentId = await InsertContentAsync();
        var client = api.CreateClient();
        var searchId = await SearchAsync(client);

        var response = await client.PostJsonAsync($"/api/search/{searchId}/click", new { contentId });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(contentId, (await StoredAsync(searchId))["clicked_result"].AsString);
    }

    [Fact]
    public async Task A_later_click_replaces_the_earlier_one()
    {
        var first = await InsertContentAsync();
        var second = await InsertContentAsync();
        var client = api.CreateClient();
        var searchId = await SearchAsync(client);

        await client.PostJsonAsync($"/api/search/{searchId}/click", new { contentId = first });
        var response = await client.PostJsonAsync($"/api/search/{searchId}/click", new { contentId = second.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(second, (await StoredAsync(searchId))["clicked_result"].AsString);
    }

    [Fact]
    public async Task A_signed_in_users_search_is_clicked_by_that_user_and_unreachable_for_others()
    {
        var contentId = await InsertContentAsync();
        var (_, owner) = await api.SignedInClientAsync();
        var (_, other) = await api.SignedInClientAsync();
        var searchId = await SearchAsync(owner);

        var byOther = await other.PostJsonAsync($"/api/search/{searchId}/click", new { contentId });
        var anonymous = await api.CreateClient().PostJsonAsync($"/api/search/{searchId}/click", new { contentId });
        var unknown = await other.PostJsonAsync($"/api/search/{ObjectId.GenerateNewId()}/click", new { contentId });

        var otherProblem = await byOther.AssertProblemAsync(HttpStatusCode.NotFound);
        var unknownProblem = await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(unknownProblem["detail"]!.GetValue<string>(), otherProblem["detail"]!.GetValue<string>());
        await anonymous.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False((await StoredAsync(searchId)).Contains("clicked_result"));

        var byOwner = await owner.PostJsonAsync($"/api/search/{searchId}/click", new { contentId });

        Assert.Equal(HttpStatusCode.NoContent, byOwner.StatusCode);
        Assert.Equal(contentId, (await StoredAsync(searchId))["clicked_result"].AsString);
    }

    [Fact]
    public async Task An_anonymous_search_can_be_clicked_after_signing_in()
    {
        var contentId = await InsertContentAsync();
        var searchId = await SearchAsync(api.CreateClient());
        var (_, user) = await api.SignedInClientAsync();

        var response = await user.PostJsonAsync($"/api/search/{searchId}/click", new { contentId });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(contentId, (await StoredAsync(searchId))["clicked_result"].AsString);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("000000000000000000000000")]
    public async Task An_unknown_or_malformed_search_is_a_404(string searchId)
    {
        var contentId = await InsertContentAsync();

        var response = await api.CreateClient().PostJsonAsync($"/api/search/{searchId}/click", new { contentId });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_content_id_that_names_no_item_is_a_404_and_nothing_is_stored()
    {
        var client = api.CreateClient();
        var searchId = await SearchAsync(client);

        var response = await client.PostJsonAsync($"/api/search/{searchId}/click", new { contentId = ObjectId.GenerateNewId().ToString() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("Content", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False((await StoredAsync(searchId)).Contains("clicked_result"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"contentId\": \"\"}")]
    [InlineData("{\"contentId\": \"abc\"}")]
    public async Task A_missing_or_malformed_content_id_is_a_400_naming_content_id(string body)
    {
        var client = api.CreateClient();
        var searchId = await SearchAsync(client);

        var response = await client.PostAsync($"/api/search/{searchId}/click", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Http.Ct);

        var problem = await response.AssertValidationProblemAsync("contentId");
        Assert.Single(problem["errors"]!["contentId"]!.AsArray());
    }
}
