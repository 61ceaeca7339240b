using System.Net;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Anonymizing a deleted account unlinks its searches from it; the records stay for analytics.</summary>
public sealed class SearchHistoryErasureTests(ApiFactory api)
{
    [Fact]
    public async Task Anonymizing_a_deleted_account_unlinks_its_searches()
    {
        var user = await api.SignUpAsync();
        var bystander = await api.SignUpAsync();
        var words = $"erasure{Guid.NewGuid():N}";
        foreach (var searcher in new[] { user, bystander })
        {
            var response = await api.ClientFor(searcher).GetAsync($"/api/search?q={words}", Http.Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var searches = api.Database.GetCollection<BsonDocument>("searchquery");
        Assert.Single(await searches.Find(new BsonDocument("user_id", user.Id)).ToListAsync(Http.Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(user).DeleteAsync("/api/users/me", Http.Ct)).StatusCode);
        await api.Database.GetCollection<BsonDocument>("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("anonymize_after", DateTime.UtcNow.AddMinutes(-1))), cancellationToken: Http.Ct);

        await api.Services.GetRequiredService<AnonymizationJob>().RunOnceAsync(Http.Ct);

        Assert.Empty(await searches.Find(new BsonDocument("user_id", user.Id)).ToListAsync(Http.Ct));
        var kept = await searches.Find(new BsonDocument("query_text", words)).ToListAsync(Http.Ct);
        Assert.Equal(2, kept.Count);
        Assert.Single(kept, s => !s.Contains("user_id"));
        Assert.Single(kept, s => s.GetValue("user_id", BsonNull.Value) == bystander.Id);
    }
}
