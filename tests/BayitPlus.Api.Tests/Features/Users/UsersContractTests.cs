using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>What the OpenAPI document tells a client about devices and sign-in.</summary>
public sealed class UsersContractTests(ApiFactory api)
{
    private async Task<JsonObject> DocumentAsync() => await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadAsync<JsonObject>();

    private static JsonNode Schema(JsonObject document, JsonNode reference) =>
        document["components"]!["schemas"]![reference["$ref"]!.GetValue<string>().Split('/')[^1]]!;

    [Fact]
    public async Task The_device_list_is_a_plain_items_list_identified_by_id()
    {
        var document = await DocumentAsync();

        var list = Schema(document, document["paths"]!["/api/users/me/devices"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        var device = Schema(document, list["properties"]!["items"]!["items"]!);

        Assert.Equal(["items"], list["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("id", device["properties"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("deviceId", device["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Removing_a_device_documents_which_ids_it_accepts()
    {
        var document = await DocumentAsync();

        var remove = document["paths"]!["/api/users/me/devices/{deviceId}"]!["delete"]!;
        var parameter = Assert.Single(remove["parameters"]!.AsArray())!;

        Assert.Contains("signed in", parameter["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("device list", parameter["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("never computes a hash", remove["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_device_needs_only_its_id_name_and_type()
    {
        var document = await DocumentAsync();

        var required = document["components"]!["schemas"]!["DeviceInput"]!["required"]!.AsArray().Select(r => r!.GetValue<string>());

        Assert.Equal(["deviceId", "deviceName", "deviceType"], required.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/api/auth/register", "Location")]
    [InlineData("/api/auth/login", "deviceId")]
    [InlineData("/api/auth/refresh", "reuse")]
    [InlineData("/api/auth/logout", "204")]
    [InlineData("/api/auth/firebase", "ID token")]
    public async Task Sign_in_operations_are_described(string path, string mentioned)
    {
        var document = await DocumentAsync();

        Assert.Contains(mentioned, document["paths"]![path]!["post"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
