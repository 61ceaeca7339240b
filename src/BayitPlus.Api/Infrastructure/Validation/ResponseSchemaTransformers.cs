using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>A response property that can only hold a few values (a role, a severity) declares them
/// with <see cref="AllowedValuesAttribute"/>, and its schema lists them as an <c>enum</c>, so a
/// generated client gets a union type to narrow instead of a bare string. Request values get theirs
/// from the validator's <c>OneOf</c> rule instead (<see cref="ValidatorSchemaTransformer"/>).</summary>
public sealed class AllowedValuesSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: true)
            .OfType<AllowedValuesAttribute>().FirstOrDefault() is { } allowed)
        {
            schema.Enum = [.. allowed.Values.Select(value => value is null ? null! : JsonValue.Create(value.ToString()!))];
        }

        return Task.CompletedTask;
    }
}

/// <summary>Every integer in the document without a bound of its own gets its format's range: the
/// serializer reads and writes nothing outside it, and clients (and the OWASP ruleset) need the
/// bounds stated. Runs after the validators' limits are written, so it only fills what no rule set.</summary>
public sealed class IntegerBoundsTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in document.Components?.Schemas?.Values ?? [])
        {
            Bound(schema, seen);
        }

        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                Bound(parameter.Schema, seen);
            }

            var bodies = (operation.RequestBody?.Content?.Values.AsEnumerable() ?? [])
                .Concat((operation.Responses?.Values.AsEnumerable() ?? []).SelectMany(response => response.Content?.Values.AsEnumerable() ?? []));
            foreach (var media in bodies)
            {
                Bound(media.Schema, seen);
            }
        }

        return Task.CompletedTask;
    }

    private static void Bound(IOpenApiSchema? candidate, HashSet<OpenApiSchema> seen)
    {
        // References are bounded where they point, in the components.
        if (candidate is not OpenApiSchema schema || !seen.Add(schema))
        {
            return;
        }

        RuleSchema.BoundIntegers(schema);
        Bound(schema.Items, seen);
        Bound(schema.AdditionalProperties, seen);
        foreach (var nested in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? []))
        {
            Bound(nested, seen);
        }
    }
}
