using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>Writes the rules of a type's validator into its schema (see <see cref="RuleSchema"/>):
/// every request body whose type has an <c>IValidator</c>, or names one with
/// <see cref="ValidatedAsAttribute"/>, shows the limits the API enforces on it.</summary>
public sealed class ValidatorSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Properties is not { Count: > 0 } properties)
        {
            return Task.CompletedTask;
        }

        var validators = RuleSchema.ValidatorsFor(context.JsonTypeInfo.Type, context.ApplicationServices);
        if (validators.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (!properties.TryGetValue(property.Name, out var found) || found is not OpenApiSchema target)
            {
                continue;
            }

            var components = RuleSchema.Components(validators, (property.AttributeProvider as MemberInfo)?.Name ?? property.Name);
            RuleSchema.Apply(target, components);
            RuleSchema.BoundIntegers(target);
            if (RuleSchema.Requires(components) || RuleSchema.RequiresItems(components, target))
            {
                schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
                schema.Required.Add(property.Name);
            }
            else if (target.Enum is { Count: > 0 } values && target.Type is { } type && type.HasFlag(JsonSchemaType.Null))
            {
                // An optional value may be null, which an enum must list to allow.
                values.Add(null!);
            }
        }

        return Task.CompletedTask;
    }
}
