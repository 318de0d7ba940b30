import * as React from 'react';
import type { IInputs, IOutputs } from './generated/ManifestTypes';
import { Section } from './components/Section';
import { webApiData, type SectionData } from './data';
import { readForm, toOutputs, type FormChanges } from './model/form';
import { translator } from './model/strings';

/**
 * The virtual control: reads the form into plain state, returns the React element (the platform's
 * React 16.14 and Fluent UI v9 render it), and hands back only what the user changed.
 */
export class PartnerCenterSection implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private notifyOutputChanged: () => void = () => undefined;
  private changes: FormChanges = {};
  private data: SectionData | undefined;
  private dataPrefix = '';

  public init(_context: ComponentFramework.Context<IInputs>, notifyOutputChanged: () => void): void {
    this.notifyOutputChanged = notifyOutputChanged;
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const form = readForm(context);
    if (context.mode.isVisible === false) return React.createElement(React.Fragment);
    if (!this.data || this.dataPrefix !== form.prefix) {
      this.data = webApiData(context.webAPI, form.prefix);
      this.dataPrefix = form.prefix;
    }
    return React.createElement(Section, {
      form,
      t: translator((key) => context.resources.getString(key)),
      data: this.data,
      onChange: this.onChange,
      ...(context.fluentDesignLanguage?.tokenTheme ? { theme: context.fluentDesignLanguage.tokenTheme as never } : {}),
    });
  }

  public getOutputs(): IOutputs {
    const outputs = toOutputs(this.changes);
    this.changes = {};
    return outputs;
  }

  public destroy(): void {
    this.data = undefined;
  }

  private readonly onChange = (changes: FormChanges): void => {
    this.changes = { ...this.changes, ...changes };
    this.notifyOutputChanged();
  };
}
