using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>
/// Documents an admin write body as the resource's editable fields. The handlers bind the body as a
/// <c>JsonObject</c> on purpose (<see cref="EditableFields"/> tells a field left out from one sent
/// as null), which on its own would document a free-form object, and an <c>Accepts&lt;T&gt;</c>
/// loses against that inferred body. So the operation's body is pointed at the schema generated for
/// the fields class itself, with every schema transformer applied (validation limits included):
/// POST and PUT at <c>&lt;Fields&gt;</c> (the fields the validator requires marked required), PATCH
/// at an all-optional copy of it. Both refuse other properties (<c>additionalProperties: false</c>),
/// as <see cref="EditableFields.Apply"/> does.
/// </summary>
internal static class FieldsBodySchema
{
    private const string Json = "application/json";

    /// <summary>The body of a write that sets every field (create, replace).</summary>
    public static async Task WholeAsync<TFields>(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = await FieldsComponentAsync<TFields>(context, cancellationToken);
        SetBody(operation, new OpenApiSchemaReference(name, context.Document));
    }

    /// <summary>The body of a PATCH: the fields schema under <paramref name="name"/> with nothing
    /// required; a field left out stays as stored and null clears it.</summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> Patch<TFields>(string name) =>
        async (operation, context, cancellationToken) =>
        {
            var fields = await context.GetOrCreateSchemaAsync(typeof(TFields), null, cancellationToken);
            Complete(fields);
            // A shallow copy: the properties are the fields schema's own, limits and all.
            var patch = (OpenApiSchema)fields.CreateShallowCopy();
            patch.Required = null;
            patch.Description = "The fields to change, all optional: a field left out keeps its stored value, null (or, for text, an empty string) clears it.";
            context.Document!.AddComponent(name, patch);
            SetBody(operation, new OpenApiSchemaReference(name, context.Document));
        };

    /// <summary>Adds the schema of <typeparamref name="TFields"/> to the document's components
    /// (once) and returns its name.</summary>
    private static async Task<string> FieldsComponentAsync<TFields>(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = typeof(TFields).Name;
        if (context.Document!.Components?.Schemas?.ContainsKey(name) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TFields), null, cancellationToken);
            Complete(schema);
            context.Document.AddComponent(name, schema);
        }

        return name;
    }

    /// <summary>Refuses other properties. What the validator requires is marked required by the
    /// generic <c>ValidatorSchemaTransformer</c>; such a field is not nullable either (the same rule
    /// refuses null, which would clear it), so a client reads <c>title</c> as a string.</summary>
    private static void Complete(OpenApiSchema schema)
    {
        schema.AdditionalPropertiesAllowed = false;
        schema.AdditionalProperties = null;
        foreach (var name in schema.Required ?? new HashSet<string>())
        {
            if (schema.Properties?.TryGetValue(name, out var property) == true && property is OpenApiSchema { Type: { } type } value)
            {
                value.Type = type & ~JsonSchemaType.Null;
            }
        }
    }

    private static void SetBody(OpenApiOperation operation, IOpenApiSchema schema)
    {
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            body.Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = schema } };
        }
    }
}
