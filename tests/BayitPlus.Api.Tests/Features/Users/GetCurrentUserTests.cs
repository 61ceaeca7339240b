using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class GetCurrentUserTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    [Fact]
    public async Task Me_answers_the_signed_in_account_without_secrets()
    {
        var user = await api.SignUpAsync();
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("firebase_uid", "fb-" + user.Id)), cancellationToken: Http.Ct);

        var response = await api.ClientFor(user).GetAsync("/api/users/me", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.Id, body["id"]!.GetValue<string>());
        Assert.Equal(user.Email, body["email"]!.GetValue<string>());
        Assert.Equal("user", body["role"]!.GetValue<string>());
        Assert.True(body["isActive"]!.GetValue<bool>());
        Assert.Empty(body["preferences"]!.AsObject());
        var text = body.ToJsonString();
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("firebase", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("$2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var response = await api.CreateClient().GetAsync("/api/users/me", Http.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_deactivated_account_token_no_longer_reaches_me()
    {
        var user = await api.SignUpAsync();
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        var response = await api.ClientFor(user).GetAsync("/api/users/me", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_valid_token_for_an_account_that_does_not_exist_is_401()
    {
        var token = api.MintAccessToken(ObjectId.GenerateNewId().ToString(), "ghost@example.com", "user");

        var response = await api.CreateClient().WithToken(token).GetAsync("/api/users/me", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
