using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EInvoicingPlatform : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EInvoicingPlatformConnections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ClientSecretProtected = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ClientSecretHint = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ConnectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastVerifiedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EInvoicingPlatformConnections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EInvoicingPlatformConnections_Firms_FirmId",
                        column: x => x.FirmId,
                        principalTable: "Firms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EInvoicingSubmissions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DocumentNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    FlowId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcknowledgedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Problem = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EInvoicingSubmissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EInvoicingSubmissions_Firms_FirmId",
                        column: x => x.FirmId,
                        principalTable: "Firms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EInvoicingStatuses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EInvoicingStatuses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EInvoicingStatuses_EInvoicingSubmissions_SubmissionId",
                        column: x => x.SubmissionId,
                        principalTable: "EInvoicingSubmissions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EInvoicingPlatformConnections_FirmId",
                table: "EInvoicingPlatformConnections",
                column: "FirmId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EInvoicingStatuses_SubmissionId_Code_At",
                table: "EInvoicingStatuses",
                columns: new[] { "SubmissionId", "Code", "At" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EInvoicingSubmissions_DocumentId",
                table: "EInvoicingSubmissions",
                column: "DocumentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EInvoicingSubmissions_FirmId_InvoiceId",
                table: "EInvoicingSubmissions",
                columns: new[] { "FirmId", "InvoiceId" });

            migrationBuilder.CreateIndex(
                name: "IX_EInvoicingSubmissions_State_NextAttemptAt",
                table: "EInvoicingSubmissions",
                columns: new[] { "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EInvoicingPlatformConnections");

            migrationBuilder.DropTable(
                name: "EInvoicingStatuses");

            migrationBuilder.DropTable(
                name: "EInvoicingSubmissions");
        }
    }
}
