using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Validators;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>
/// Rules that say what they accept in parameters the OpenAPI document can read, where a
/// <c>Must(...)</c> predicate would hide the limit in a lambda. Each one passes on null (absent:
/// a required value is a separate NotNull/NotEmpty rule) and keeps the message the caller gives
/// with <c>WithMessage</c>. <see cref="RuleSchema"/> turns them into <c>enum</c>, <c>maxItems</c>,
/// <c>format</c>, <c>pattern</c> and numeric types.
/// </summary>
public static class DescriptiveRules
{
    /// <summary>One of <paramref name="values"/>, compared exactly (ordinal): the schema's <c>enum</c>.</summary>
    public static IRuleBuilderOptions<T, string?> OneOf<T>(this IRuleBuilder<T, string?> rule, IEnumerable<string> values) =>
        rule.SetValidator(new OneOfValidator<T>(values));

    /// <summary>Every item is one of <paramref name="values"/>: the items' <c>enum</c>.</summary>
    public static IRuleBuilderOptions<T, TList> EachOneOf<T, TList>(this IRuleBuilder<T, TList> rule, IEnumerable<string> values)
        where TList : IEnumerable<string>? =>
        rule.SetValidator(new EachOneOfValidator<T, TList>(values));

    /// <summary>Every item matches <paramref name="pattern"/> and is at most <paramref name="maxLength"/>
    /// characters: the items' <c>pattern</c> and <c>maxLength</c>.</summary>
    public static IRuleBuilderOptions<T, TList> EachMatches<T, TList>(this IRuleBuilder<T, TList> rule, string pattern, int maxLength)
        where TList : IEnumerable<string>? =>
        rule.SetValidator(new EachMatchesValidator<T, TList>(pattern, maxLength));

    /// <summary>Every item is <paramref name="minLength"/> to <paramref name="maxLength"/>
    /// characters long: the items' <c>minLength</c> and <c>maxLength</c>.</summary>
    public static IRuleBuilderOptions<T, TList> EachLength<T, TList>(this IRuleBuilder<T, TList> rule, int minLength, int maxLength)
        where TList : IEnumerable<string>? =>
        rule.SetValidator(new EachLengthValidator<T, TList>(minLength, maxLength));

    /// <summary>At most <paramref name="max"/> items: <c>maxItems</c>.</summary>
    public static IRuleBuilderOptions<T, TList> MaxItems<T, TList>(this IRuleBuilder<T, TList> rule, int max)
        where TList : System.Collections.IEnumerable? =>
        rule.SetValidator(new ItemCountValidator<T, TList>(0, max));

    /// <summary>At least <paramref name="min"/> items: <c>minItems</c>.</summary>
    public static IRuleBuilderOptions<T, TList> MinItems<T, TList>(this IRuleBuilder<T, TList> rule, int min)
        where TList : System.Collections.IEnumerable? =>
        rule.SetValidator(new ItemCountValidator<T, TList>(min, null));

    /// <summary>No item twice (ordinal): <c>uniqueItems</c>.</summary>
    public static IRuleBuilderOptions<T, TList> UniqueItems<T, TList>(this IRuleBuilder<T, TList> rule)
        where TList : IEnumerable<string>? =>
        rule.SetValidator(new UniqueItemsValidator<T, TList>());

    /// <summary>Matches <paramref name="pattern"/> and is at most <paramref name="maxLength"/>
    /// characters, as one rule with one message: <c>pattern</c> and <c>maxLength</c>.</summary>
    public static IRuleBuilderOptions<T, string?> Pattern<T>(this IRuleBuilder<T, string?> rule, string pattern, int maxLength) =>
        rule.SetValidator(new PatternValidator<T>(pattern, maxLength));

    /// <summary>An absolute http or https URL with a host: <c>format: uri</c>.</summary>
    public static IRuleBuilderOptions<T, string?> AbsoluteHttpUri<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new AbsoluteHttpUriValidator<T>());

    /// <summary>Text that is a whole number from <paramref name="min"/> to <paramref name="max"/>
    /// (digits only): the parameter is documented as that integer, with <paramref name="defaultValue"/>.</summary>
    public static IRuleBuilderOptions<T, string?> WholeNumber<T>(this IRuleBuilder<T, string?> rule, int min, int max, int? defaultValue = null) =>
        rule.SetValidator(new WholeNumberValidator<T>(min, max, defaultValue));

    /// <summary>Text that is <c>true</c> or <c>false</c> (any case; empty is neither): documented as a boolean.</summary>
    public static IRuleBuilderOptions<T, string?> Boolean<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new BooleanTextValidator<T>());

    /// <summary>Text that is an ISO 8601 date or date-time: <c>format: date-time</c> with its <c>maxLength</c>.</summary>
    public static IRuleBuilderOptions<T, string?> Timestamp<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new TimestampValidator<T>());

    /// <summary>At most <paramref name="max"/> bytes of UTF-8 (what BCrypt reads). A character is at
    /// least one byte, so the schema says <c>maxLength</c> <paramref name="max"/>.</summary>
    public static IRuleBuilderOptions<T, string?> MaxBytes<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.SetValidator(new MaxBytesValidator<T>(max));

    /// <summary>An ObjectId as the API writes it: 24 hexadecimal digits.</summary>
    public static IRuleBuilderOptions<T, string?> ObjectId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Pattern(ObjectIdPattern, 24);

    public const string ObjectIdPattern = "^[0-9a-fA-F]{24}$";

    /// <summary>Whether <paramref name="value"/> is an absolute http or https URL with a host.</summary>
    public static bool IsHttpUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    /// <summary>The number <paramref name="value"/> holds, or null when it is not digits only.</summary>
    public static int? ParseWholeNumber(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    /// <summary>An integer from <paramref name="min"/> to a maximum that moves with time (a year
    /// a few years ahead): the schema's bounds as of when the document is generated.</summary>
    public static IRuleBuilderOptions<T, int?> Within<T>(this IRuleBuilder<T, int?> rule, int min, Func<int> max) =>
        rule.SetValidator(new MovingRangeValidator<T>(min, max));
}

/// <summary>A rule whose limit the OpenAPI document can read; see <see cref="DescriptiveRules"/>.</summary>
public interface IDescriptiveRule
{
    /// <summary>Writes the limit into <paramref name="schema"/> (a string, array or number schema).</summary>
    void Describe(Microsoft.OpenApi.OpenApiSchema schema);

    /// <summary>What a parameter with this rule means, when the rule's message says it poorly.</summary>
    string? Description => null;
}

public sealed class OneOfValidator<T>(IEnumerable<string> values) : PropertyValidator<T, string?>, IDescriptiveRule
{
    public IReadOnlyList<string> Values { get; } = [.. values];

    public override string Name => "OneOfValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || Values.Contains(value, StringComparer.Ordinal);

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema) => RuleSchema.SetEnum(schema, Values);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} must be one of: {string.Join(", ", Values)}.";
}

public sealed class EachOneOfValidator<T, TList>(IEnumerable<string> values) : PropertyValidator<T, TList>, IDescriptiveRule
    where TList : IEnumerable<string>?
{
    public IReadOnlyList<string> Values { get; } = [.. values];

    public override string Name => "EachOneOfValidator";

    public override bool IsValid(ValidationContext<T> context, TList value) => value is null || value.All(v => Values.Contains(v, StringComparer.Ordinal));

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema) => RuleSchema.SetEnum(RuleSchema.Items(schema), Values);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} values must be one of: {string.Join(", ", Values)}.";
}

public sealed class EachMatchesValidator<T, TList>(string pattern, int maxLength) : PropertyValidator<T, TList>, IDescriptiveRule
    where TList : IEnumerable<string>?
{
    private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public string Pattern { get; } = pattern;

    public int MaxLength { get; } = maxLength;

    public override string Name => "EachMatchesValidator";

    public override bool IsValid(ValidationContext<T> context, TList value) =>
        value is null || value.All(v => v.Length <= MaxLength && _regex.IsMatch(v));

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        var items = RuleSchema.Items(schema);
        items.Pattern = Pattern;
        items.MaxLength = RuleSchema.Tighter(items.MaxLength, MaxLength);
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} has a value in the wrong form.";
}

public sealed class EachLengthValidator<T, TList>(int minLength, int maxLength) : PropertyValidator<T, TList>, IDescriptiveRule
    where TList : IEnumerable<string>?
{
    public int MinLength { get; } = minLength;

    public int MaxLength { get; } = maxLength;

    public override string Name => "EachLengthValidator";

    public override bool IsValid(ValidationContext<T> context, TList value) =>
        value is null || value.All(v => v.Length >= MinLength && v.Length <= MaxLength);

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        var items = RuleSchema.Items(schema);
        items.MinLength = MinLength > 0 ? MinLength : items.MinLength;
        items.MaxLength = RuleSchema.Tighter(items.MaxLength, MaxLength);
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} values must be {MinLength} to {MaxLength} characters long.";
}

/// <summary>A rule on how many items a list holds, whatever the list's type.</summary>
public interface IItemCountRule
{
    int Min { get; }
}

public sealed class ItemCountValidator<T, TList>(int min, int? max) : PropertyValidator<T, TList>, IDescriptiveRule, IItemCountRule
    where TList : System.Collections.IEnumerable?
{
    public int Min { get; } = min;

    public int? Max { get; } = max;

    public override string Name => "ItemCountValidator";

    public override bool IsValid(ValidationContext<T> context, TList value)
    {
        if (value is null)
        {
            return true;
        }

        var count = 0;
        foreach (var _ in value)
        {
            count++;
        }

        return count >= Min && (Max is not { } most || count <= most);
    }

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        if (Min > 0)
        {
            schema.MinItems = Math.Max(schema.MinItems ?? 0, Min);
        }

        if (Max is { } most)
        {
            schema.MaxItems = RuleSchema.Tighter(schema.MaxItems, most);
        }
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} has too many or too few values.";
}

public sealed class UniqueItemsValidator<T, TList> : PropertyValidator<T, TList>, IDescriptiveRule
    where TList : IEnumerable<string>?
{
    public override string Name => "UniqueItemsValidator";

    public override bool IsValid(ValidationContext<T> context, TList value)
    {
        if (value is null)
        {
            return true;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return value.All(seen.Add);
    }

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema) => schema.UniqueItems = true;

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must not repeat a value.";
}

public sealed class PatternValidator<T>(string pattern, int maxLength) : PropertyValidator<T, string?>, IDescriptiveRule
{
    private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public string Pattern { get; } = pattern;

    public int MaxLength { get; } = maxLength;

    public override string Name => "PatternValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || (value.Length <= MaxLength && _regex.IsMatch(value));

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        schema.Pattern = Pattern;
        schema.MaxLength = RuleSchema.Tighter(schema.MaxLength, MaxLength);
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} is not in the expected form.";
}

public sealed class AbsoluteHttpUriValidator<T> : PropertyValidator<T, string?>, IDescriptiveRule
{
    public override string Name => "AbsoluteHttpUriValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || DescriptiveRules.IsHttpUri(value);

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema) => schema.Format = "uri";

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be an absolute http or https URL.";
}

public sealed class WholeNumberValidator<T>(int min, int max, int? defaultValue) : PropertyValidator<T, string?>, IDescriptiveRule
{
    public int Min { get; } = min;

    public int Max { get; } = max;

    public int? Default { get; } = defaultValue;

    public override string Name => "WholeNumberValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) =>
        string.IsNullOrEmpty(value) || DescriptiveRules.ParseWholeNumber(value) is { } number && number >= Min && number <= Max;

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        RuleSchema.SetType(schema, Microsoft.OpenApi.JsonSchemaType.Integer);
        schema.Format = "int32";
        schema.MaxLength = null;
        schema.Minimum = Min.ToString(CultureInfo.InvariantCulture);
        schema.Maximum = Max.ToString(CultureInfo.InvariantCulture);
        if (Default is { } fallback)
        {
            schema.Default = fallback;
        }
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} must be a whole number from {Min} to {Max}.";
}

public sealed class BooleanTextValidator<T> : PropertyValidator<T, string?>, IDescriptiveRule
{
    public override string Name => "BooleanTextValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || bool.TryParse(value, out _);

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        RuleSchema.SetType(schema, Microsoft.OpenApi.JsonSchemaType.Boolean);
        schema.MaxLength = null;
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be true or false.";
}

public sealed class TimestampValidator<T> : PropertyValidator<T, string?>, IDescriptiveRule
{
    public override string Name => "TimestampValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => string.IsNullOrEmpty(value) || TimeRange.Parse(value) is not null;

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        schema.Format = "date-time";
        schema.MaxLength = RuleSchema.Tighter(schema.MaxLength, TimeRange.MaxLength);
    }

    public string Description => "An ISO 8601 date or date-time, UTC unless it gives an offset.";

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be an ISO 8601 date or date-time.";
}

public sealed class MaxBytesValidator<T>(int max) : PropertyValidator<T, string?>, IDescriptiveRule
{
    public int Max { get; } = max;

    public override string Name => "MaxBytesValidator";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || Encoding.UTF8.GetByteCount(value) <= Max;

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema) => schema.MaxLength = RuleSchema.Tighter(schema.MaxLength, Max);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} must be at most {Max} bytes long.";
}

public sealed class MovingRangeValidator<T>(int min, Func<int> max) : PropertyValidator<T, int?>, IDescriptiveRule
{
    public int Min { get; } = min;

    public int Max => max();

    public override string Name => "MovingRangeValidator";

    public override bool IsValid(ValidationContext<T> context, int? value) => value is not { } number || (number >= Min && number <= Max);

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        schema.Minimum = Min.ToString(CultureInfo.InvariantCulture);
        schema.Maximum = Max.ToString(CultureInfo.InvariantCulture);
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} must be between {Min} and {Max}.";
}
