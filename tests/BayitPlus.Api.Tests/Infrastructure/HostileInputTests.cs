using System.Net;
using System.Text;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Features.Content.Admin;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>Inputs the fuzzer (tests/BayitPlus.Fuzz) found answering 500 or an anonymous 400: each
/// is a 400 naming what is wrong, or a correct answer.</summary>
public sealed class HostileInputTests(ApiFactory api)
{
    [Theory]
    [InlineData("/api/search?q=film&limit=abc", "limit")]
    [InlineData("/api/search?q=film&yearFrom=twenty", "yearFrom")]
    [InlineData("/api/search?q=film&yearTo=99999999999", "yearTo")]
    [InlineData("/api/content?limit=abc", "limit")]
    [InlineData("/api/podcasts?limit=-1", "limit")]
    public async Task A_malformed_query_value_on_an_anonymous_endpoint_is_a_400_naming_the_parameter(string url, string parameter)
    {
        var response = await api.CreateClient().GetAsync(url, Http.Ct);

        var problem = await response.AssertValidationProblemAsync(parameter);
        Assert.Contains(parameter, problem["errors"]![parameter]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/admin/users?isActive=maybe", "isActive")]
    [InlineData("/api/admin/users?isActive=", "isActive")]
    [InlineData("/api/admin/audit?from=garbage", "from")]
    [InlineData("/api/admin/security-events?to=2026-13-45", "to")]
    [InlineData("/api/admin/security-events/summary?from=NaN", "from")]
    [InlineData("/api/admin/users?email=%00", "email")]
    [InlineData("/api/admin/users?email=a%01b", "email")]
    public async Task A_malformed_query_value_on_an_admin_endpoint_is_a_400_naming_the_parameter(string url, string parameter)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await admin.GetAsync(url, Http.Ct);

        await response.AssertValidationProblemAsync(parameter);
    }

    [Fact]
    public async Task A_security_event_summary_ending_on_the_first_day_of_the_calendar_starts_at_the_first_day()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await admin.GetAsync("/api/admin/security-events/summary?to=0001-01-01", Http.Ct);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0001-01-01T00:00:00", body["from"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("0001-01-01T00:00:00", body["to"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(body["byType"]!.AsArray());
    }

    [Theory]
    [InlineData("POST", false)]
    [InlineData("PUT", true)]
    [InlineData("PATCH", true)]
    public async Task A_catalog_admin_body_with_a_duplicated_key_is_a_400_naming_it(string method, bool existing)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var url = "/api/admin/content";
        if (existing)
        {
            var created = await admin.PostJsonAsync(url, ContentBodies.Valid());
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            url += "/" + (await created.ReadJsonAsync())["id"]!.GetValue<string>();
        }

        var body = ContentBodies.Valid().ToJsonString();
        var duplicated = "{\"title\":\"first\"," + body[1..];

        var response = await SendAsync(admin, method, url, duplicated);

        var problem = await response.AssertValidationProblemAsync("title");
        Assert.Equal("title must appear only once in the body.", problem["errors"]!["title"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_duplicated_key_inside_a_nested_object_is_named_by_its_path()
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var duplicated = "{\"extra\":[{\"language\":\"he\",\"language\":\"en\"}]," + ContentBodies.Valid().ToJsonString()[1..];

        var response = await SendAsync(admin, "POST", "/api/admin/content", duplicated);

        await response.AssertValidationProblemAsync("extra[0].language");
    }

    [Fact]
    public async Task A_record_body_with_a_duplicated_key_is_a_400_naming_it_and_registers_nobody()
    {
        var client = api.CreateClient();
        var first = TestUsers.NewEmail("dupkey");
        var json = $$"""{"email":"{{first}}","name":"Dana","password":"{{TestUsers.Password}}","email":"{{TestUsers.NewEmail("dupkey")}}"}""";

        var response = await SendAsync(client, "POST", "/api/auth/register", json);

        await response.AssertValidationProblemAsync("email");
        var users = api.Database.GetCollection<BsonDocument>("user");
        Assert.Equal(0, await users.CountDocumentsAsync(new BsonDocument("email", first), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task A_free_form_object_with_a_duplicated_key_is_a_400_naming_the_key()
    {
        var (_, client) = await api.SignedInClientAsync();

        var response = await SendAsync(client, "PATCH", "/api/users/me", """{"preferences":{"theme":"dark","theme":"light"}}""");

        await response.AssertValidationProblemAsync("preferences.theme");
    }

    [Theory]
    [InlineData("""{"email":5,"name":"Dana","password":"correct-horse-42"}""", "email")]
    [InlineData("""["email"]""", "body")]
    [InlineData("""{"email":"a@example.com""", "email")]
    [InlineData("""{"email":"a@example.com","name":["Dana"],"password":"correct-horse-42"}""", "name")]
    public async Task A_body_of_the_wrong_shape_is_a_400_naming_where(string json, string field)
    {
        var response = await SendAsync(api.CreateClient(), "POST", "/api/auth/register", json);

        await response.AssertValidationProblemAsync(field);
    }

    [Theory]
    [InlineData("/api/auth/register", false)]
    [InlineData("/api/admin/content", true)]
    public async Task A_json_body_in_an_unknown_charset_is_a_415(string url, bool asAdmin)
    {
        var client = asAdmin ? (await api.SignedInClientAsync(Roles.Admin)).Client : api.CreateClient();
        var content = new StringContent("{}", Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");

        var response = await client.PostAsync(url, content, Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, string json) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, Http.Ct);
}
