using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BooksAndJournals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ChartsOfAccounts",
                columns: table => new
                {
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    ClientsAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    AuxiliaryPerClient = table.Column<bool>(type: "INTEGER", nullable: false),
                    SalesAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    VatCollectedAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    PrepaymentsAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    StripeClearingAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    GoCardlessClearingAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    BankAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    FeesAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    WriteOffAccount = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    SalesJournal = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    BankJournal = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    StripeJournal = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    GoCardlessJournal = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    MiscellaneousJournal = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChartsOfAccounts", x => x.FirmId);
                });

            migrationBuilder.CreateTable(
                name: "ClosedPeriods",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClosedPeriods", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClosedPeriods_FirmId_Year_Month",
                table: "ClosedPeriods",
                columns: new[] { "FirmId", "Year", "Month" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChartsOfAccounts");

            migrationBuilder.DropTable(
                name: "ClosedPeriods");
        }
    }
}
