namespace BayitPlus.MongoEmulator.Tests.Wire;

public sealed class CommandLineTests
{
    [Fact]
    public void Defaults_to_the_standard_port_and_rs0()
    {
        var commandLine = CommandLine.Parse([], out var error);

        Assert.Null(error);
        Assert.Equal(new CommandLine(27017, "rs0", Verbose: false, ShowHelp: false), commandLine);
    }

    [Fact]
    public void Reads_every_option()
    {
        var commandLine = CommandLine.Parse(["--port", "0", "--replica-set", "bayit", "--verbose"], out _);

        Assert.Equal(new CommandLine(0, "bayit", Verbose: true, ShowHelp: false), commandLine);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--port", "abc")]
    [InlineData("--port", "-1")]
    [InlineData("--port", "65536")]
    [InlineData("--replica-set")]
    [InlineData("--replica-set", "--verbose")]
    [InlineData("--bogus")]
    [InlineData("27017")]
    public void Rejects_bad_arguments(params string[] args)
    {
        Assert.Null(CommandLine.Parse(args, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
