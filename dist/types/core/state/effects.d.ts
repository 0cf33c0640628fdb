import { z } from "zod";
export declare const EffectSchema: z.ZodDiscriminatedUnion<[z.ZodObject<{
    type: z.ZodLiteral<"dispatch">;
    tasks: z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        agent: z.ZodString;
        phase: z.ZodOptional<z.ZodString>;
        attempt: z.ZodNumber;
        feedback: z.ZodOptional<z.ZodString>;
    }, z.core.$strip>>;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"cancel">;
    tasks: z.ZodArray<z.ZodObject<{
        id: z.ZodString;
        attempt: z.ZodNumber;
    }, z.core.$strip>>;
    reason: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"start_timer">;
    id: z.ZodString;
    at: z.ZodNumber;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"clear_timer">;
    id: z.ZodString;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"open_gate">;
    phase: z.ZodString;
    approvers: z.ZodArray<z.ZodString>;
    revision: z.ZodNumber;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"update_status">;
    phases: z.ZodArray<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"notify">;
    level: z.ZodEnum<{
        error: "error";
        info: "info";
        warning: "warning";
    }>;
    message: z.ZodString;
    mention: z.ZodDefault<z.ZodArray<z.ZodString>>;
    topic: z.ZodOptional<z.ZodEnum<{
        circuit_open: "circuit_open";
    }>>;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"deliver">;
    step: z.ZodEnum<{
        deploy: "deploy";
        merge: "merge";
        open_pr: "open_pr";
    }>;
    environment: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"complete">;
    status: z.ZodEnum<{
        cancelled: "cancelled";
        failed: "failed";
        succeeded: "succeeded";
    }>;
    reason: z.ZodOptional<z.ZodString>;
}, z.core.$strip>, z.ZodObject<{
    type: z.ZodLiteral<"rejected">;
    event: z.ZodString;
    reason: z.ZodString;
}, z.core.$strip>], "type">;
export type Effect = z.output<typeof EffectSchema>;
export type EffectOf<T extends Effect["type"]> = Extract<Effect, {
    type: T;
}>;
