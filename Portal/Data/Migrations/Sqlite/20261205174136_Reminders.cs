using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing firms get Portal's default schedule, switched off until their owner turns it on.
            migrationBuilder.AddColumn<bool>(
                name: "DoNotRemind",
                table: "Invoices",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Reminders_DueTodayOffset",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_DueTodayOn",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_Enabled",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Reminders_FinalNoticeOffset",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_FinalNoticeOn",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "Reminders_LateInterestBasisPoints",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1215);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_LateInterestShown",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Reminders_OverdueOffset",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_OverdueOn",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "Reminders_SecondNoticeOffset",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: 15);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_SecondNoticeOn",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "Reminders_UpcomingOffset",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: -3);

            migrationBuilder.AddColumn<bool>(
                name: "Reminders_UpcomingOn",
                table: "Firms",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "Firms",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "Europe/Paris");

            migrationBuilder.AddColumn<string>(
                name: "PromiseNote",
                table: "ClientAccounts",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "PromisedToPayBy",
                table: "ClientAccounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RemindersOptedOut",
                table: "ClientAccounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "RemindersPaused",
                table: "ClientAccounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "Reminders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Step = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Recipient = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    CancelledBecause = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reminders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Reminders_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Reminders_FirmId_InvoiceId",
                table: "Reminders",
                columns: new[] { "FirmId", "InvoiceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Reminders_FirmId_Key",
                table: "Reminders",
                columns: new[] { "FirmId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reminders_InvoiceId",
                table: "Reminders",
                column: "InvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_Reminders_Status_QueuedAt",
                table: "Reminders",
                columns: new[] { "Status", "QueuedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Reminders");

            migrationBuilder.DropColumn(
                name: "DoNotRemind",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "Reminders_DueTodayOffset",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_DueTodayOn",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_Enabled",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_FinalNoticeOffset",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_FinalNoticeOn",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_LateInterestBasisPoints",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_LateInterestShown",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_OverdueOffset",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_OverdueOn",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_SecondNoticeOffset",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_SecondNoticeOn",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_UpcomingOffset",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Reminders_UpcomingOn",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "PromiseNote",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "PromisedToPayBy",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "RemindersOptedOut",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "RemindersPaused",
                table: "ClientAccounts");
        }
    }
}
