using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Internal;
using FluentValidation.Validators;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>
/// Reads a FluentValidation validator's rules as JSON Schema limits, so the OpenAPI document
/// states exactly what the API enforces: lengths (<c>maxLength</c>/<c>minLength</c>), ranges
/// (<c>minimum</c>/<c>maximum</c>, exclusive where the rule is), e-mail and regular expressions
/// (<c>format</c>, <c>pattern</c>), unconditional NotNull/NotEmpty (<c>required</c>), and every
/// <see cref="IDescriptiveRule"/> (allowed values, list sizes, URLs, numbers and dates given as text).
/// A <c>Must(...)</c> predicate cannot be read: a limit written as one is invisible to clients.
/// </summary>
public static class RuleSchema
{
    /// <summary>The validators registered for <paramref name="type"/>, or for the message named by
    /// its <see cref="ValidatedAsAttribute"/>; empty when it has none.</summary>
    public static IReadOnlyList<IValidator> ValidatorsFor(Type type, IServiceProvider services)
    {
        var validated = type.GetCustomAttribute<ValidatedAsAttribute>()?.Message ?? type;
        return [.. services.GetServices(typeof(IValidator<>).MakeGenericType(validated)).OfType<IValidator>()];
    }

    /// <summary>The rule components of one member (the CLR property name) across <paramref name="validators"/>.</summary>
    public static IReadOnlyList<IRuleComponent> Components(IEnumerable<IValidator> validators, string member) =>
        [.. validators.SelectMany(v => v.CreateDescriptor().GetRulesForMember(member)).SelectMany(rule => rule.Components)];

    /// <summary>Whether the member must be present: an unconditional NotNull or NotEmpty.</summary>
    public static bool Requires(IEnumerable<IRuleComponent> components) =>
        components.Any(c => !c.HasCondition && !c.HasAsyncCondition && c.Validator is INotNullValidator or INotEmptyValidator);

    /// <summary>Whether a list that cannot be null (an absent one reads as empty) must hold at least
    /// one item, which makes it as required as a NotEmpty rule would.</summary>
    public static bool RequiresItems(IEnumerable<IRuleComponent> components, OpenApiSchema schema) =>
        schema.Type is { } type && type.HasFlag(JsonSchemaType.Array) && !type.HasFlag(JsonSchemaType.Null)
        && components.Any(c => !c.HasCondition && !c.HasAsyncCondition && c.Validator is IItemCountRule { Min: > 0 });

    /// <summary>A schema for a value of <paramref name="type"/> as it is bound (before any rule).</summary>
    public static OpenApiSchema ForType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(bool))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Boolean };
        }

        if (underlying == typeof(int))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" };
        }

        if (underlying == typeof(long))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" };
        }

        if (underlying == typeof(double))
        {
            return new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" };
        }

        return underlying != typeof(string) && underlying.IsAssignableTo(typeof(IEnumerable<string>))
            ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }
            : new OpenApiSchema { Type = JsonSchemaType.String };
    }

    /// <summary>Writes the limits of <paramref name="components"/> into <paramref name="schema"/>.</summary>
    public static void Apply(OpenApiSchema schema, IEnumerable<IRuleComponent> components)
    {
        foreach (var component in components)
        {
            switch (component.Validator)
            {
                case IDescriptiveRule rule:
                    rule.Describe(schema);
                    break;
                case ILengthValidator length:
                    if (length.Max > 0)
                    {
                        schema.MaxLength = Tighter(schema.MaxLength, length.Max);
                    }

                    if (length.Min > 0)
                    {
                        schema.MinLength = Math.Max(schema.MinLength ?? 0, length.Min);
                    }

                    break;
                case IBetweenValidator between:
                    var inclusive = between is IInclusiveBetweenValidator;
                    SetMinimum(schema, Number(between.From), exclusive: !inclusive);
                    SetMaximum(schema, Number(between.To), exclusive: !inclusive);
                    break;
                case IComparisonValidator { ValueToCompare: { } value } comparison:
                    switch (comparison.Comparison)
                    {
                        case Comparison.GreaterThan:
                            SetMinimum(schema, Number(value), exclusive: true);
                            break;
                        case Comparison.GreaterThanOrEqual:
                            SetMinimum(schema, Number(value), exclusive: false);
                            break;
                        case Comparison.LessThan:
                            SetMaximum(schema, Number(value), exclusive: true);
                            break;
                        case Comparison.LessThanOrEqual:
                            SetMaximum(schema, Number(value), exclusive: false);
                            break;
                    }

                    break;
                case IEmailValidator:
                    schema.Format = "email";
                    break;
                case IRegularExpressionValidator regex:
                    schema.Pattern = regex.Expression;
                    break;
                case INotEmptyValidator when IsString(schema):
                    schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                    break;
            }
        }
    }

    /// <summary>An integer schema without a bound gets its CLR type's: the binder refuses a number
    /// outside it, so that is a limit the API enforces too.</summary>
    public static void BoundIntegers(OpenApiSchema schema)
    {
        if (schema.Type is not { } type || !type.HasFlag(JsonSchemaType.Integer))
        {
            return;
        }

        var (min, max) = schema.Format == "int64" ? (long.MinValue, long.MaxValue) : (int.MinValue, int.MaxValue);
        schema.Format ??= "int32";
        if (schema.Minimum is null && schema.ExclusiveMinimum is null)
        {
            schema.Minimum = min.ToString(CultureInfo.InvariantCulture);
        }

        if (schema.Maximum is null && schema.ExclusiveMaximum is null)
        {
            schema.Maximum = max.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A description of what the rules accept: each rule's message, in order.</summary>
    public static string? Describe(IEnumerable<IRuleComponent> components)
    {
        var sentences = components
            .Select(c => (c.Validator as IDescriptiveRule)?.Description ?? Message(c))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return sentences.Count == 0 ? null : string.Join(" ", sentences);
    }

    internal static OpenApiSchema Items(OpenApiSchema schema)
    {
        if (schema.Items is OpenApiSchema items)
        {
            return items;
        }

        var created = new OpenApiSchema { Type = JsonSchemaType.String };
        schema.Items = created;
        return created;
    }

    internal static void SetEnum(OpenApiSchema schema, IEnumerable<string> values)
    {
        schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        schema.MaxLength = null;
    }

    internal static void SetType(OpenApiSchema schema, JsonSchemaType type) =>
        schema.Type = schema.Type is { } current && current.HasFlag(JsonSchemaType.Null) ? type | JsonSchemaType.Null : type;

    internal static int Tighter(int? current, int limit) => current is { } existing ? Math.Min(existing, limit) : limit;

    private static bool IsString(OpenApiSchema schema) => schema.Type is { } type && type.HasFlag(JsonSchemaType.String);

    private static string Number(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

    private static void SetMinimum(OpenApiSchema schema, string value, bool exclusive)
    {
        if (exclusive)
        {
            schema.ExclusiveMinimum = value;
            schema.Minimum = null;
        }
        else
        {
            schema.Minimum = value;
            schema.ExclusiveMinimum = null;
        }
    }

    private static void SetMaximum(OpenApiSchema schema, string value, bool exclusive)
    {
        if (exclusive)
        {
            schema.ExclusiveMaximum = value;
            schema.Maximum = null;
        }
        else
        {
            schema.Maximum = value;
            schema.ExclusiveMaximum = null;
        }
    }

    /// <summary>A rule's own message when it is fixed text: a template with placeholders (the
    /// default messages, and any built per failure) reads badly out of context.</summary>
    private static string? Message(IRuleComponent component)
    {
        var message = component.GetUnformattedErrorMessage();
        return string.IsNullOrWhiteSpace(message) || message.Contains('{', StringComparison.Ordinal) ? null : message;
    }
}

/// <summary>Says that a request body is validated as the message it becomes: its properties take
/// the rules of <see cref="Message"/>'s properties of the same name, in the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ValidatedAsAttribute(Type message) : Attribute
{
    public Type Message { get; } = message;
}
