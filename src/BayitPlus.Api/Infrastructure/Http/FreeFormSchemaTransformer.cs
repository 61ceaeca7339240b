using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>A free-form object (preferences, audit changes, security event details) is a map of
/// JSON values: <c>additionalProperties: {}</c>, so a generated client reads and writes
/// <c>preferences.theme</c> instead of getting an object with no properties at all.</summary>
public sealed class FreeFormSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(JsonObject))
        {
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = new OpenApiSchema { Description = "Any JSON value." };
            schema.Description ??= "A free-form object: a map of JSON values.";
        }

        return Task.CompletedTask;
    }
}
