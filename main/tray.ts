// Thin: turns the pure tray model (app/desktop/tray-model.ts) into an Electron Tray and Menu, rebuilt on
// every state change. The actions are handed back to main.ts.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from "electron";
import { join } from "node:path";
import { iconFile, type TrayAction, type TrayModel } from "../app/desktop/tray-model.js";

export function iconPath(assets: string, icon: TrayModel["icon"], symbolic: boolean): string {
  return join(assets, "tray", iconFile(icon, symbolic));
}

export class TenboltTray {
  private readonly tray: Tray;

  constructor(
    private readonly assets: string,
    private readonly symbolic: boolean,
    private readonly onAction: (a: TrayAction) => void,
  ) {
    this.tray = new Tray(nativeImage.createFromPath(iconPath(assets, "working", symbolic)));
    this.tray.setToolTip("Tenbolt");
  }

  update(model: TrayModel): void {
    this.tray.setImage(nativeImage.createFromPath(iconPath(this.assets, model.icon, this.symbolic)));
    this.tray.setToolTip(model.tooltip);
    const template: MenuItemConstructorOptions[] = model.items.map((item) => {
      switch (item.type) {
        case "separator":
          return { type: "separator" };
        case "status":
          return { label: item.label, enabled: false };
        case "checkbox":
        case "action": {
          const action = item.action;
          return {
            label: item.label,
            type: item.type === "checkbox" ? "checkbox" : "normal",
            ...(item.type === "checkbox" ? { checked: item.checked } : {}),
            enabled: item.enabled && action !== null,
            click: () => {
              if (action) this.onAction(action);
            },
          };
        }
      }
    });
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
