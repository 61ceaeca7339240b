using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>
/// Links an endpoint to the message its query string (and route values) become, so each parameter
/// is documented from that message's validator: its real type (a whole number, a boolean, a
/// date-time, a list), its limits and allowed values, and a description from the rules' messages.
/// Query parameters are bound as text on purpose, so a malformed value reaches the validator and is
/// a 400 naming the parameter; without this the document would show bare strings.
/// </summary>
public static class QueryRules
{
    /// <summary>Documents this endpoint's query and route parameters from the rules of
    /// <typeparamref name="TMessage"/> (matched by name, ignoring case).</summary>
    public static RouteHandlerBuilder WithQueryRules<TMessage>(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new QueryRulesMetadata(typeof(TMessage)));
}

/// <summary>Endpoint metadata naming the message whose validator documents the parameters.</summary>
public sealed record QueryRulesMetadata(Type Message);

/// <summary>Applies <see cref="QueryRules"/>: replaces each matched parameter's schema with the one
/// its rules describe. Route parameters no rule describes and that name an id (<c>id</c>,
/// <c>…Id</c>) are ObjectIds, as every id in the API is (see <c>Ids</c>).</summary>
public sealed class QueryRulesTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var message = context.Description.ActionDescriptor.EndpointMetadata.OfType<QueryRulesMetadata>().LastOrDefault()?.Message;
        var validators = message is null ? [] : RuleSchema.ValidatorsFor(message, context.ApplicationServices);
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In is not (ParameterLocation.Query or ParameterLocation.Path))
            {
                continue;
            }

            var property = message?.GetProperty(parameter.Name ?? "", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            var components = property is null ? [] : RuleSchema.Components(validators, property.Name);
            if (components.Count > 0)
            {
                var schema = RuleSchema.ForType(property!.PropertyType);
                RuleSchema.Apply(schema, components);
                RuleSchema.BoundIntegers(schema);
                parameter.Schema = schema;
                parameter.Required |= RuleSchema.Requires(components);
                parameter.Description ??= RuleSchema.Describe(components);
            }
            else if (parameter.In == ParameterLocation.Path && IsId(parameter.Name))
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Pattern = DescriptiveRules.ObjectIdPattern,
                    MinLength = 24,
                    MaxLength = 24,
                };
                parameter.Description ??= "An id: 24 hexadecimal digits. One that names nothing is a 404.";
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsId(string? name) => name is not null && (name == "id" || name.EndsWith("Id", StringComparison.Ordinal));
}
