using System.Net;

namespace BayitPlus.Api.Tests.Support;

/// <summary>Checks on the served OpenAPI document.</summary>
public static class OpenApiDocument
{
    /// <summary>Asserts an operation's id, summary and exact response statuses; 429 is added to
    /// the expected ones because the global rate limiter can answer every operation with it.</summary>
    /// <summary>What any operation may answer without its endpoint declaring it: the global rate
    /// limit, an unexpected error, an unavailable database.</summary>
    public static readonly string[] EveryOperationsErrors = ["429", "500", "503"];

    public static async Task AssertOperationAsync(this ApiFactory api, string path, string method, string operationId, params string[] statuses)
    {
        var response = await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct);

        var document = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var operation = document["paths"]?[path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the document");
        Assert.Equal(operationId, operation["operationId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()));
        Assert.Equal(statuses.Concat(EveryOperationsErrors).Order(StringComparer.Ordinal), operation["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
    }
}
