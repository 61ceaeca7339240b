using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class RegisterUserTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    [Fact]
    public async Task Register_creates_an_active_user_with_a_bcrypt_hash_and_the_spec_field_names()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("Reg");

        var response = await client.PostJsonAsync("/api/auth/register", new { email = "  " + email.ToUpperInvariant() + " ", name = " Dana ", password = TestUsers.Password });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/users/me", response.Headers.Location?.OriginalString);
        Assert.Equal(email.ToLowerInvariant(), body["email"]!.GetValue<string>());
        Assert.Equal("Dana", body["name"]!.GetValue<string>());
        Assert.Equal("user", body["role"]!.GetValue<string>());
        Assert.True(body["isActive"]!.GetValue<bool>());
        Assert.Null(body["passwordHash"]);
        Assert.Null(body["password"]);

        var stored = await Users.Find(new BsonDocument("email", email.ToLowerInvariant())).SingleAsync(Http.Ct);
        Assert.Equal(body["id"]!.GetValue<string>(), stored["_id"].AsObjectId.ToString());
        Assert.StartsWith("$2", stored["password_hash"].AsString, StringComparison.Ordinal);
        Assert.True(BCrypt.Net.BCrypt.Verify(TestUsers.Password, stored["password_hash"].AsString));
        Assert.True(stored["is_active"].AsBoolean);
        Assert.Equal("user", stored["role"].AsString);
        Assert.Equal(BsonType.DateTime, stored["created_at"].BsonType);
        Assert.Equal(BsonType.DateTime, stored["updated_at"].BsonType);
        Assert.False(stored.Contains("firebase_uid"), "a null firebase_uid would collide in the sparse unique index");
    }

    [Fact]
    public async Task Registering_an_existing_email_in_any_case_is_a_409_naming_email()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("dup");
        await client.RegisterAsync(email);

        var response = await client.PostJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), name = "Other", password = TestUsers.Password });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("email", problem["field"]!.GetValue<string>());
        Assert.Equal(1, await Users.CountDocumentsAsync(new BsonDocument("email", email), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Parallel_registrations_of_one_email_create_exactly_one_account()
    {
        var client = api.CreateClient();
        var email = TestUsers.NewEmail("race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostJsonAsync("/api/auth/register", new { email, name = "Racer", password = TestUsers.Password })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await Users.CountDocumentsAsync(new BsonDocument("email", email), cancellationToken: Http.Ct));
    }

    [Theory]
    [InlineData("", "Name", TestUsers.Password, "email")]
    [InlineData("not-an-email", "Name", TestUsers.Password, "email")]
    [InlineData("a@example.com", "", TestUsers.Password, "name")]
    [InlineData("a@example.com", "Name", "short1", "password")]
    [InlineData("a@example.com", "Name", "onlyletters", "password")]
    [InlineData("a@example.com", "Name", "1234567890", "password")]
    [InlineData("a1@example.com", "Name", "A1@EXAMPLE.COM", "password")]
    public async Task Invalid_registrations_are_400_with_the_field_named(string email, string name, string password, string field)
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/register", new { email, name, password });

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Missing_fields_are_400s_naming_each_field()
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/register", new { });

        await response.AssertValidationProblemAsync("email", "name", "password");
    }

    [Fact]
    public async Task Overlong_fields_and_a_password_beyond_bcrypt_limit_are_rejected()
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/register", new
        {
            email = new string('a', 250) + "@example.com",
            name = new string('n', 101),
            password = new string('p', 72) + "1",
        });

        await response.AssertValidationProblemAsync("email", "name", "password");
    }

    [Fact]
    public async Task A_missing_or_malformed_body_is_a_400_problem_not_a_500()
    {
        var client = api.CreateClient();

        var empty = await client.PostAsync("/api/auth/register", new StringContent("", System.Text.Encoding.UTF8, "application/json"), Http.Ct);
        var malformed = await client.PostAsync("/api/auth/register", new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"), Http.Ct);
        var wrongType = await client.PostAsync("/api/auth/register", new StringContent("{\"email\": 5}", System.Text.Encoding.UTF8, "application/json"), Http.Ct);

        await empty.AssertProblemAsync(HttpStatusCode.BadRequest);
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        await wrongType.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
